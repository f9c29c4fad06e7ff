<?php

declare(strict_types=1);

namespace App\Controller;

use App\EventSubscriber\AuthenticateSubscriber as Authenticate;
use App\Service\Accounts;
use App\Service\Passwords;
use App\Service\RecordValidator;
use App\Service\Throttle;
use App\Support\JsonBody;
use App\Support\Problem;
use App\Support\Settings;
use App\Support\Values;
use Psr\Log\LoggerInterface;
use Symfony\Component\HttpFoundation\Cookie;
use Symfony\Component\HttpFoundation\JsonResponse;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;
use Symfony\Component\Validator\Constraints\Callback;
use Symfony\Component\Validator\Constraints\Collection;
use Symfony\Component\Validator\Constraints\Length;
use Symfony\Component\Validator\Constraints\NotBlank;
use Symfony\Component\Validator\Constraints\NotNull;
use Symfony\Component\Validator\Constraints\Regex;
use Symfony\Component\Validator\Constraints\Required;
use Symfony\Component\Validator\Constraints\Sequentially;
use Symfony\Component\Validator\Constraints\Type;
use Symfony\Component\Validator\Context\ExecutionContextInterface;
use Symfony\Component\Validator\Validation;

/** Registration, login, logout, password change and the signed-in user (cookie sessions). */
final class AuthController
{
    private const EMAIL = '/^[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f]+\.[^@\x00-\x20\x7f]+$/D';

    public function __construct(
        private readonly Accounts $accounts,
        private readonly Throttle $throttle,
        private readonly Settings $settings,
        private readonly LoggerInterface $auditLogger,
    ) {
    }

    /** 201 {"email"} whether or not the address was taken: the answer reveals no account. */
    public function register(Request $request): JsonResponse
    {
        $this->throttle->client('register', (string) $request->getClientIp());
        $body = $this->body($request, ['email', 'password'], ['password' => true]);
        $email = strtolower($body['email']);
        $created = $this->accounts->register($email, $body['password']);
        $this->auditLogger->info('registration', ['outcome' => $created ? 'created' : 'address taken']);

        return new JsonResponse(['email' => $email], 201);
    }

    public function login(Request $request): JsonResponse
    {
        $this->throttle->client('login', (string) $request->getClientIp());
        $body = $this->body($request, ['email', 'password'], []);
        $email = strtolower($body['email']);
        $this->throttle->checkAccount($email);
        $user = $this->accounts->authenticate($email, $body['password']);
        if ($user === null) {
            $this->throttle->failed($email);
            $this->auditLogger->info('login', ['outcome' => 'refused']);
            throw Problem::unauthorized('Wrong email or password.');
        }
        $this->throttle->succeeded($email);
        $this->auditLogger->info('login', ['outcome' => 'success', 'user_id' => (int) $user['id']]);

        return $this->signedIn($this->accounts->openSession((int) $user['id']));
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
        $user = $this->accounts->user($userId) ?? throw Problem::unauthorized();
        if (!Passwords::verify($body['current_password'], (string) $user['password_hash'])) {
            $this->auditLogger->info('password change', ['outcome' => 'refused', 'user_id' => $userId]);
            throw Problem::invalid([['pointer' => '#/current_password', 'detail' => 'is not the current password']]);
        }
        $this->accounts->changePassword($userId, $body['new_password'], (string) $request->attributes->get('session_token'));
        $this->auditLogger->info('password change', ['outcome' => 'success', 'user_id' => $userId]);

        return new Response('', 204);
    }

    public function me(Request $request): JsonResponse
    {
        $user = $this->accounts->user((int) $request->attributes->get('user_id')) ?? throw Problem::unauthorized();

        return new JsonResponse(['id' => (int) $user['id'], 'email' => $user['email'], 'created_at' => Values::instantText((string) $user['created_at'])]);
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
     * The members of an auth body (Symfony Validator: a Collection of non-empty strings, unknown members
     * refused), the email of the contract's form, passwords of the policy where `$policy` names them.
     *
     * @param list<string> $members
     * @param array<string, true> $policy
     * @return array<string, string>
     */
    private function body(Request $request, array $members, array $policy): array
    {
        $body = JsonBody::of($request);
        $fields = [];
        foreach ($members as $name) {
            $constraints = [
                new NotNull(message: 'is required'),
                new Type(type: 'string', message: 'must be a string'),
                new Length(max: $name === 'email' ? 254 : Passwords::MAX_LENGTH * 4, maxMessage: 'is too long', charsetMessage: 'must be UTF-8 text'),
            ];
            $constraints[] = new NotBlank(message: 'must not be empty');
            if ($name === 'email') {
                $constraints[] = new Regex(pattern: self::EMAIL, message: 'is not an email address');
            }
            if (isset($policy[$name])) {
                $constraints[] = new Callback(
                    callback: static function (mixed $value, ExecutionContextInterface $context): void {
                        $problem = Passwords::problem($value);
                        if ($problem !== null) {
                            $context->addViolation($problem);
                        }
                    },
                );
            }
            $fields[$name] = new Required([new Sequentially(constraints: $constraints)]);
        }
        $collection = new Collection(
            fields: $fields,
            allowExtraFields: false,
            allowMissingFields: false,
            extraFieldsMessage: 'is not a member of this request',
            missingFieldsMessage: 'is required',
        );
        RecordValidator::throwViolations(Validation::createValidator()->validate($body, $collection));

        return $body;
    }
}
