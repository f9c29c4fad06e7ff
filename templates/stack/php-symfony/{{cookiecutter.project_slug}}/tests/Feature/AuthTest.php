<?php

declare(strict_types=1);

namespace Tests\Feature;

use Tests\TestCase;

/** Registration, login, cookie sessions with CSRF, logout, password change, the policy and the lockout. */
final class AuthTest extends TestCase
{
    public function testRegisterLoginMe(): void
    {
        $user = $this->signIn();
        $me = $this->as($user, 'GET', '/api/v1/users/me')->assertStatus(200);
        $this->assertSame($user['email'], $me->json('email'));
        $this->assertSame(['created_at', 'email', 'id'], $this->sortedKeys($me->json()));
    }

    public function testSessionCookieIsHttpOnlyAndSameSite(): void
    {
        $email = 'cookie-' . bin2hex(random_bytes(4)) . '@example.com';
        $this->json('POST', '/api/v1/auth/register', ['email' => $email, 'password' => self::PASSWORD]);
        $cookie = $this->json('POST', '/api/v1/auth/login', ['email' => $email, 'password' => self::PASSWORD])->getCookie('session');
        $this->assertNotNull($cookie);
        $this->assertTrue($cookie->isHttpOnly());
        $this->assertSame('lax', $cookie->getSameSite());
        $this->assertSame('/', $cookie->getPath());
    }

    public function testMeNeedsASession(): void
    {
        $this->json('GET', '/api/v1/users/me')->assertStatus(401)->assertHeader('Content-Type', 'application/problem+json');
    }

    public function testRegistrationAnswersTheSameForATakenEmail(): void
    {
        $email = 'taken@example.com';
        $first = $this->json('POST', '/api/v1/auth/register', ['email' => $email, 'password' => self::PASSWORD]);
        $again = $this->json('POST', '/api/v1/auth/register', ['email' => $email, 'password' => 'another passphrase 99']);
        $first->assertStatus(201);
        $again->assertStatus(201);
        $this->assertSame($first->json(), $again->json());
    }

    public function testWrongPasswordAndUnknownEmailLookTheSame(): void
    {
        $user = $this->signIn();
        $wrong = $this->json('POST', '/api/v1/auth/login', ['email' => $user['email'], 'password' => 'not the right passphrase']);
        $unknown = $this->json('POST', '/api/v1/auth/login', ['email' => 'nobody@example.com', 'password' => 'not the right passphrase']);
        $wrong->assertStatus(401);
        $unknown->assertStatus(401);
        $this->assertSame($wrong->getContent(), $unknown->getContent());
    }

    public function testWeakPasswordsAreRefused(): void
    {
        foreach (['short', str_repeat(' ', 20), 'password1234', '123456789012', "nul\0in the middle of it", str_repeat('x', 129)] as $password) {
            $response = $this->json('POST', '/api/v1/auth/register', ['email' => 'weak@example.com', 'password' => $password]);
            $response->assertStatus(422);
            $this->assertContains('#/password', array_column($response->json('errors'), 'pointer'));
        }
    }

    public function testUnknownAndInvalidMembersArePointedAt(): void
    {
        $response = $this->json('POST', '/api/v1/auth/register', ['email' => 'not-an-address', 'password' => self::PASSWORD, 'is_admin' => true]);
        $response->assertStatus(422);
        $pointers = array_column($response->json('errors'), 'pointer');
        $this->assertContains('#/email', $pointers);
        $this->assertContains('#/is_admin', $pointers);
        $this->assertStringNotContainsString('not-an-address', (string) $response->getContent());
    }

    public function testUnsafeMethodsNeedTheCsrfToken(): void
    {
        $user = $this->signIn();
        $this->as($user, 'POST', '/api/v1/auth/logout', null, false)->assertStatus(403);
        $this->as(['csrf' => 'not-the-token'] + $user, 'POST', '/api/v1/auth/logout')->assertStatus(403);
        $this->as($user, 'GET', '/api/v1/users/me')->assertStatus(200);
    }

    public function testLogoutEndsTheSession(): void
    {
        $user = $this->signIn();
        $this->as($user, 'POST', '/api/v1/auth/logout')->assertStatus(204);
        $this->as($user, 'GET', '/api/v1/users/me')->assertStatus(401);
    }

    public function testChangePasswordEndsOtherSessions(): void
    {
        $laptop = $this->signIn();
        $phone = $this->loginAgain($laptop['email']);
        $this->as($laptop, 'POST', '/api/v1/auth/password', ['current_password' => 'not it at all 123', 'new_password' => 'a brand new passphrase 42'])
            ->assertStatus(422);
        $this->as($laptop, 'POST', '/api/v1/auth/password', ['current_password' => self::PASSWORD, 'new_password' => 'a brand new passphrase 42'])
            ->assertStatus(204);
        $this->as($phone, 'GET', '/api/v1/users/me')->assertStatus(401);
        $this->as($laptop, 'GET', '/api/v1/users/me')->assertStatus(200);
        $this->json('POST', '/api/v1/auth/login', ['email' => $laptop['email'], 'password' => self::PASSWORD])->assertStatus(401);
        $this->json('POST', '/api/v1/auth/login', ['email' => $laptop['email'], 'password' => 'a brand new passphrase 42'])->assertStatus(200);
    }

    public function testRepeatedFailuresLockTheAccountOnly(): void
    {
        $victim = $this->signIn();
        $statuses = [];
        for ($i = 0; $i < 10; $i++) {
            $statuses[] = $this->json('POST', '/api/v1/auth/login', ['email' => $victim['email'], 'password' => 'guess number 1234'])->status();
        }
        $this->assertContains(429, $statuses);
        $this->signIn();
    }

    public function testClientRateLimitIs429WithRetryAfter(): void
    {
        $response = null;
        for ($i = 0; $i < 100; $i++) {
            $response = $this->json('POST', '/api/v1/auth/login', ['email' => "nobody$i@example.com", 'password' => 'wrong passphrase 1']);
            if ($response->status() === 429) {
                break;
            }
        }
        $response->assertStatus(429);
        $this->assertGreaterThanOrEqual(1, (int) $response->headers->get('Retry-After'));
    }

    /** @return array{session: string, csrf: string, email: string} */
    private function loginAgain(string $email): array
    {
        $login = $this->json('POST', '/api/v1/auth/login', ['email' => $email, 'password' => self::PASSWORD])->assertStatus(200);

        return ['session' => (string) $login->getCookie('session')?->getValue(), 'csrf' => (string) $login->json('csrf_token'), 'email' => $email];
    }

    /** @return list<string> */
    private function sortedKeys(array $body): array
    {
        $keys = array_keys($body);
        sort($keys);

        return $keys;
    }
}
