<?php

declare(strict_types=1);

namespace App\Service;

use App\Support\Problem;
use App\Support\Settings;
use Symfony\Component\Cache\Adapter\FilesystemAdapter;
use Symfony\Component\RateLimiter\LimiterInterface;
use Symfony\Component\RateLimiter\RateLimiterFactory;
use Symfony\Component\RateLimiter\Storage\CacheStorage;

/**
 * Abuse limits of the authentication routes (Symfony RateLimiter, its windows in a filesystem cache under
 * var/ shared by the worker processes of one instance): AUTH_RATE_LIMIT_PER_MINUTE attempts per client
 * address and route, and per account a lock once LOGIN_LOCKOUT_FAILURES wrong passwords fall within
 * LOGIN_LOCKOUT_MAX_SECONDS, until that window ends. Both answer 429 with Retry-After.
 */
final class Throttle
{
    private readonly RateLimiterFactory $clients;
    private readonly RateLimiterFactory $accounts;

    public function __construct(Settings $settings, string $cacheDirectory)
    {
        $storage = new CacheStorage(new FilesystemAdapter('rate-limiter', 0, $cacheDirectory));
        $this->clients = new RateLimiterFactory(
            ['id' => 'client', 'policy' => 'fixed_window', 'limit' => $settings->authRatePerMinute, 'interval' => '60 seconds'],
            $storage,
        );
        $this->accounts = new RateLimiterFactory(
            ['id' => 'account', 'policy' => 'fixed_window', 'limit' => $settings->lockoutFailures,
                'interval' => $settings->lockoutMaxSeconds . ' seconds'],
            $storage,
        );
    }

    /** Count one attempt of a client address on a route; 429 once the minute's budget is spent. */
    public function client(string $route, string $address): void
    {
        $limit = $this->clients->create($route . ':' . hash('sha256', $address))->consume();
        if (!$limit->isAccepted()) {
            throw Problem::tooMany($limit->getRetryAfter()->getTimestamp() - time());
        }
    }

    /** 429 while an account has spent its wrong passwords of the window. */
    public function checkAccount(string $email): void
    {
        $limiter = $this->account($email);
        if ($limiter->consume(0)->getRemainingTokens() > 0) {
            return;
        }
        // an exhausted window refuses one more token without counting it: its answer says when the window ends
        $retryAfter = $limiter->consume()->getRetryAfter()->getTimestamp() - time();
        throw Problem::tooMany($retryAfter, 'Too many failed logins for this account: retry later.');
    }

    /** A wrong password for an account. */
    public function failed(string $email): void
    {
        $this->account($email)->consume();
    }

    /** A successful login forgets the account's failures. */
    public function succeeded(string $email): void
    {
        $this->account($email)->reset();
    }

    private function account(string $email): LimiterInterface
    {
        return $this->accounts->create(hash('sha256', $email));
    }
}
