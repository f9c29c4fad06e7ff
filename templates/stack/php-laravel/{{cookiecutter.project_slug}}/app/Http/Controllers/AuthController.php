<?php

declare(strict_types=1);

namespace App\Http\Controllers;

use App\Http\Middleware\Authenticate;
use App\Models\User;
use App\Services\Accounts;
use App\Services\Passwords;
use App\Services\Throttle;
use App\Support\JsonBody;
use App\Support\Problem;
use App\Support\Settings;
use App\Support\Values;
use Illuminate\Contracts\Validation\Factory;
use Illuminate\Http\JsonResponse;
use Illuminate\Http\Request;
use Illuminate\Http\Response;
use Illuminate\Support\Facades\Log;
use Symfony\Component\HttpFoundation\Cookie;

/** Registration, login, logout, password change and the signed-in user (cookie sessions). */
final class AuthController
{
    private const EMAIL = '/^[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f]+\.[^@\x00-\x20\x7f]+$/D';

    public function __construct(
        private readonly Accounts $accounts,
        private readonly Throttle $throttle,
        private readonly Settings $settings,
        private readonly Factory $validator,
    ) {
    }

    /** 201 {"email"} whether or not the address was taken: the answer reveals no account. */
    public function register(Request $request): JsonResponse
    {
        $this->throttle->client('register', (string) $request->ip());
        $body = $this->body($request, ['email', 'password'], ['password' => true]);
        $email = strtolower($body['email']);
        $created = $this->accounts->register($email, $body['password']);
        Log::channel('audit')->info('registration', ['outcome' => $created ? 'created' : 'address taken']);

        return new JsonResponse(['email' => $email], 201);
    }

    public function login(Request $request): JsonResponse
    {
        $this->throttle->client('login', (string) $request->ip());
        $body = $this->body($request, ['email', 'password'], []);
        $email = strtolower($body['email']);
        $this->throttle->checkAccount($email);
        $user = $this->accounts->authenticate($email, $body['password']);
        if ($user === null) {
            $this->throttle->failed($email);
            Log::channel('audit')->info('login', ['outcome' => 'refused']);
            throw Problem::unauthorized('Wrong email or password.');
        }
        $this->throttle->succeeded($email);
        Log::channel('audit')->info('login', ['outcome' => 'success', 'user_id' => $user->id]);

        return $this->signedIn($this->accounts->openSession((int) $user->id));
    }

    public function logout(Request $request): Response
    {
        $this->accounts->closeSession((string) $request->attributes->get('session_token'));
        $response = new Response('', 204);
        foreach ([Authenticate::COOKIE, Authenticate::CSRF_COOKIE] as $name) {
            $response->headers->setCookie($this->cookie($name, '', 1));
        }

        return $response;
    }

    /** A new password ends every other session of the account; this one stays signed in. */
    public function changePassword(Request $request): Response
    {
        $body = $this->body($request, ['current_password', 'new_password'], ['new_password' => true]);
        $userId = (int) $request->attributes->get('user_id');
        $user = User::query()->findOrFail($userId);
        if (!Passwords::verify($body['current_password'], $user->password_hash)) {
            Log::channel('audit')->info('password change', ['outcome' => 'refused', 'user_id' => $userId]);
            throw Problem::invalid([['pointer' => '#/current_password', 'detail' => 'is not the current password']]);
        }
        $this->accounts->changePassword($userId, $body['new_password'], (string) $request->attributes->get('session_token'));
        Log::channel('audit')->info('password change', ['outcome' => 'success', 'user_id' => $userId]);

        return new Response('', 204);
    }

    public function me(Request $request): JsonResponse
    {
        $user = User::query()->findOrFail((int) $request->attributes->get('user_id'));

        return new JsonResponse(['id' => (int) $user->id, 'email' => $user->email, 'created_at' => Values::instantText((string) $user->created_at)]);
    }

    /** {csrf_token, expires_in}, the HttpOnly session cookie and the readable CSRF cookie. */
    private function signedIn(string $token): JsonResponse
    {
        $csrf = $this->accounts->csrfToken($token);
        $seconds = $this->accounts->sessionSeconds();
        $response = new JsonResponse(['csrf_token' => $csrf, 'expires_in' => $seconds]);
        $expires = time() + $seconds;
        $response->headers->setCookie($this->cookie(Authenticate::COOKIE, $token, $expires));
        $response->headers->setCookie($this->cookie(Authenticate::CSRF_COOKIE, $csrf, $expires));

        return $response;
    }

    /** A cookie on the whole site, SameSite=Lax, Secure unless COOKIE_SECURE=false; only the CSRF one is readable by scripts. */
    private function cookie(string $name, string $value, int $expires): Cookie
    {
        $httpOnly = $name === Authenticate::COOKIE;

        return Cookie::create($name, $value, $expires, '/', null, $this->settings->cookieSecure, $httpOnly, false, Cookie::SAMESITE_LAX);
    }

    /**
     * The members of an auth body: strings, the email of the contract's form, passwords of the policy where
     * `$policy` names them; unknown members refused.
     *
     * @param list<string> $members
     * @param array<string, true> $policy
     * @return array<string, string>
     */
    private function body(Request $request, array $members, array $policy): array
    {
        $body = JsonBody::of($request);
        $rules = [];
        foreach ($members as $name) {
            $rules[$name] = ['present', 'bail', 'string', 'min:1', 'max:' . ($name === 'email' ? 254 : Passwords::MAX_LENGTH * 4)];
        }
        if (isset($rules['email'])) {
            $rules['email'][] = 'regex:' . self::EMAIL;
        }
        $messages = [
            'present' => 'is required', 'string' => 'must be a string', 'min' => 'must not be empty', 'max' => 'is too long',
            'regex' => 'is not an email address',
        ];
        $errors = [];
        foreach (array_diff(array_keys($body), $members) as $unknown) {
            $errors[] = ['pointer' => '#/' . str_replace(['~', '/'], ['~0', '~1'], (string) $unknown), 'detail' => 'is not a member of this request'];
        }
        $failed = $this->validator->make($body, $rules, $messages)->errors()->messages();
        foreach ($failed as $attribute => $list) {
            $errors[] = ['pointer' => '#/' . $attribute, 'detail' => $list[0]];
        }
        // Laravel's rules skip blank strings: empty members, the email's form and the policy are checked here
        foreach ($members as $name) {
            $value = $body[$name] ?? null;
            $blank = !isset($failed[$name]) && is_string($value) && trim($value) === '';
            if ($blank && ($value === '' || $name === 'email')) {
                $errors[] = ['pointer' => '#/' . $name, 'detail' => $name === 'email' ? 'is not an email address' : 'must not be empty'];
                $failed[$name] = true;
            }
        }
        foreach (array_keys($policy) as $name) {
            $problem = isset($failed[$name]) || !is_string($body[$name] ?? null) ? null : Passwords::problem($body[$name]);
            if ($problem !== null) {
                $errors[] = ['pointer' => '#/' . $name, 'detail' => $problem];
            }
        }
        if ($errors !== []) {
            throw Problem::invalid($errors);
        }

        return array_intersect_key($body, $rules);
    }
}
