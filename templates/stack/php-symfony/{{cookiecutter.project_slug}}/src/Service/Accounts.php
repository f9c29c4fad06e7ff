<?php

declare(strict_types=1);

namespace App\Service;

use App\Support\Settings;
use Doctrine\DBAL\Connection;
use Doctrine\DBAL\Exception\UniqueConstraintViolationException;
use Doctrine\DBAL\ParameterType;

/**
 * Accounts and their server-side sessions (auth_sessions). The session cookie holds a random token; the
 * table keeps only its SHA-256, so a copy of the database opens no session. The CSRF token is an HMAC of
 * the session token under SECRET_KEY: the double-submit value only this server can compute.
 */
final class Accounts
{
    public function __construct(private readonly Connection $db, private readonly Settings $settings)
    {
    }

    /** Create an account; false when the address is taken (the caller answers the same either way). */
    public function register(string $email, string $password): bool
    {
        $hash = Passwords::hash($password);
        try {
            $this->db->insert(
                'users',
                ['email' => $email, 'password_hash' => $hash, 'is_active' => true, 'created_at' => self::now()],
                ['is_active' => ParameterType::BOOLEAN],
            );
        } catch (UniqueConstraintViolationException) {
            return false;
        }

        return true;
    }

    /**
     * The account (id, email, password_hash, created_at) of an email and password, or null; an unknown email
     * costs the same hash as a known one.
     *
     * @return array<string, mixed>|null
     */
    public function authenticate(string $email, string $password): ?array
    {
        $user = $this->db->fetchAssociative(
            'SELECT id, email, password_hash, created_at FROM users WHERE email = ? AND is_active = ?',
            [$email, true],
            [ParameterType::STRING, ParameterType::BOOLEAN],
        );
        if ($user === false) {
            Passwords::verify($password, self::dummyHash());

            return null;
        }

        return Passwords::verify($password, (string) $user['password_hash']) ? $user : null;
    }

    /**
     * The account of an id (id, email, password_hash, created_at), or null.
     *
     * @return array<string, mixed>|null
     */
    public function user(int $userId): ?array
    {
        $user = $this->db->fetchAssociative('SELECT id, email, password_hash, created_at FROM users WHERE id = ?', [$userId]);

        return $user === false ? null : $user;
    }

    /** A new session of a user: its token (for the cookie). */
    public function openSession(int $userId): string
    {
        $token = rtrim(strtr(base64_encode(random_bytes(32)), '+/', '-_'), '=');
        $this->db->insert('auth_sessions', [
            'id' => hash('sha256', $token),
            'user_id' => $userId,
            'created_at' => self::now(),
            'expires_at' => gmdate('Y-m-d H:i:s', time() + $this->settings->sessionMinutes * 60) . '.000000',
        ]);

        return $token;
    }

    /** The user id of a live session token, or null (unknown, expired or revoked). */
    public function sessionUser(string $token): ?int
    {
        $userId = $this->db->fetchOne(
            'SELECT user_id FROM auth_sessions WHERE id = ? AND revoked_at IS NULL AND expires_at > ?',
            [hash('sha256', $token), self::now()],
        );

        return $userId === false ? null : (int) $userId;
    }

    public function closeSession(string $token): void
    {
        $this->db->update('auth_sessions', ['revoked_at' => self::now()], ['id' => hash('sha256', $token)]);
    }

    /** Set a new password and end every session of the user but `$keep`. */
    public function changePassword(int $userId, string $password, string $keep): void
    {
        $hash = Passwords::hash($password);
        $this->db->transactional(function (Connection $db) use ($userId, $hash, $keep): void {
            $db->update('users', ['password_hash' => $hash], ['id' => $userId]);
            $db->executeStatement(
                'UPDATE auth_sessions SET revoked_at = ? WHERE user_id = ? AND id <> ? AND revoked_at IS NULL',
                [self::now(), $userId, hash('sha256', $keep)],
            );
        });
    }

    public function csrfToken(string $sessionToken): string
    {
        return hash_hmac('sha256', 'csrf:' . $sessionToken, $this->settings->secretKey);
    }

    public function sessionSeconds(): int
    {
        return $this->settings->sessionMinutes * 60;
    }

    /** Now in UTC, as stored (microseconds: text comparisons order it on SQLite too). */
    public static function now(): string
    {
        return (new \DateTimeImmutable('now', new \DateTimeZone('UTC')))->format('Y-m-d H:i:s.u');
    }

    /** An argon2id hash of PHP's default cost that no password of the policy matches (for unknown emails). */
    private static function dummyHash(): string
    {
        return '$argon2id$v=19$m=65536,t=4,p=1$ZUU1ckdKRHlmZzJ1cUl2QQ$uW08D201Gb9HmBkUkCzWvjtmjGCYhM5mSSaz7hAQL/A';
    }
}
