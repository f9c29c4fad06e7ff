<?php

declare(strict_types=1);

namespace App\Services;

use App\Support\Problem;
use App\Support\Settings;
use Illuminate\Cache\RateLimiter;

/**
 * Abuse limits of the authentication routes, counted in the cache store (files shared by the workers of
 * one instance): AUTH_RATE_LIMIT_PER_MINUTE attempts per client address, and per account a lock after
 * LOGIN_LOCKOUT_FAILURES wrong passwords that doubles with each further failure, up to
 * LOGIN_LOCKOUT_MAX_SECONDS. Both answer 429 with Retry-After.
 */
final class Throttle
{
    public function __construct(private readonly RateLimiter $limiter, private readonly Settings $settings)
    {
    }

    /** Count one attempt of a client address on a route; 429 once the minute's budget is spent. */
    public function client(string $route, string $address): void
    {
        $key = "rate:$route:" . hash('sha256', $address);
        if ($this->limiter->tooManyAttempts($key, $this->settings->authRatePerMinute)) {
            throw Problem::tooMany($this->limiter->availableIn($key));
        }
        $this->limiter->hit($key, 60);
    }

    /** 429 while an account is locked after repeated wrong passwords. */
    public function checkAccount(string $email): void
    {
        $key = self::accountKey($email) . ':lock';
        if ($this->limiter->tooManyAttempts($key, 1)) {
            throw Problem::tooMany($this->limiter->availableIn($key), 'Too many failed logins for this account: retry later.');
        }
    }

    /** A wrong password for an account: from the threshold on, lock it for a doubling time. */
    public function failed(string $email): void
    {
        $failures = self::accountKey($email) . ':failures';
        $count = $this->limiter->hit($failures, $this->settings->lockoutMaxSeconds);
        $over = $count - $this->settings->lockoutFailures;
        if ($over >= 0) {
            $seconds = (int) min($this->settings->lockoutMaxSeconds, 2 ** min($over, 20));
            $this->limiter->hit(self::accountKey($email) . ':lock', max(1, $seconds));
        }
    }

    /** A successful login forgets the account's failures. */
    public function succeeded(string $email): void
    {
        $this->limiter->clear(self::accountKey($email) . ':failures');
    }

    private static function accountKey(string $email): string
    {
        return 'account:' . hash('sha256', $email);
    }
}
