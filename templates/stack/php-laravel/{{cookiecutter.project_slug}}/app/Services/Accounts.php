<?php

declare(strict_types=1);

namespace App\Services;

use App\Models\User;
use App\Support\Settings;
use Illuminate\Database\ConnectionInterface;
use Illuminate\Database\QueryException;

/**
 * Accounts and their server-side sessions (auth_sessions). The session cookie holds a random token; the
 * table keeps only its SHA-256, so a copy of the database opens no session. The CSRF token is an HMAC of
 * the session token under SECRET_KEY: the double-submit value only this server can compute.
 */
final class Accounts
{
    public function __construct(private readonly ConnectionInterface $db, private readonly Settings $settings)
    {
    }

    /** Create an account; false when the address is taken (the caller answers the same either way). */
    public function register(string $email, string $password): bool
    {
        $hash = Passwords::hash($password);
        try {
            User::query()->create(['email' => $email, 'password_hash' => $hash, 'is_active' => true, 'created_at' => self::now()]);
        } catch (QueryException) {
            return false;
        }

        return true;
    }

    /** The account of an email and password, or null; an unknown email costs the same hash as a known one. */
    public function authenticate(string $email, string $password): ?User
    {
        $user = User::query()->where('email', $email)->where('is_active', true)->first();
        if ($user === null) {
            Passwords::verify($password, self::dummyHash());

            return null;
        }

        return Passwords::verify($password, $user->password_hash) ? $user : null;
    }

    /** A new session of a user: its token (for the cookie). */
    public function openSession(int $userId): string
    {
        $token = rtrim(strtr(base64_encode(random_bytes(32)), '+/', '-_'), '=');
        $this->db->table('auth_sessions')->insert([
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
        $row = $this->db->table('auth_sessions')
            ->where('id', hash('sha256', $token))
            ->whereNull('revoked_at')
            ->where('expires_at', '>', self::now())
            ->first(['user_id']);

        return $row === null ? null : (int) $row->user_id;
    }

    public function closeSession(string $token): void
    {
        $this->db->table('auth_sessions')->where('id', hash('sha256', $token))->update(['revoked_at' => self::now()]);
    }

    /** Set a new password and end every session of the user but `$keep`. */
    public function changePassword(int $userId, string $password, string $keep): void
    {
        $hash = Passwords::hash($password);
        $this->db->transaction(function () use ($userId, $hash, $keep): void {
            User::query()->whereKey($userId)->update(['password_hash' => $hash]);
            $this->db->table('auth_sessions')
                ->where('user_id', $userId)
                ->where('id', '!=', hash('sha256', $keep))
                ->whereNull('revoked_at')
                ->update(['revoked_at' => self::now()]);
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
