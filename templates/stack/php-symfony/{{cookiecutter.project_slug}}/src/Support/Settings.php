<?php

declare(strict_types=1);

namespace App\Support;

use Symfony\Component\HttpFoundation\IpUtils;

/**
 * The settings of the application, read from the environment once and validated: a missing DATABASE_URL,
 * a short or placeholder SECRET_KEY, or a malformed number refuses to start (SettingsError, one line).
 */
final class Settings
{
    public const MIN_SECRET_BYTES = 32;
    private const PLACEHOLDERS = ['change-me', 'changeme', 'secret', 'placeholder', 'example'];

    /**
     * @param list<string> $trustedProxies IP addresses and CIDR ranges whose X-Forwarded-For is believed
     */
    private function __construct(
        public readonly string $databaseUrl,
        public readonly string $secretKey,
        public readonly string $logLevel,
        public readonly array $trustedProxies,
        public readonly int $authRatePerMinute,
        public readonly int $lockoutFailures,
        public readonly int $lockoutMaxSeconds,
        public readonly int $sessionMinutes,
        public readonly bool $cookieSecure,
        public readonly int $maxBodyBytes,
        public readonly int $hashConcurrency,
    ) {
    }

    private static ?self $current = null;

    /** The settings of this process, read on first use. */
    public static function current(): self
    {
        return self::$current ??= self::fromEnvironment();
    }

    /** Forget the settings read so far (the tests change the environment between cases). */
    public static function reset(): void
    {
        self::$current = null;
    }

    /** Read and check every setting; all problems are reported together. */
    public static function fromEnvironment(): self
    {
        $errors = [];
        $databaseUrl = self::text('DATABASE_URL', '');
        if ($databaseUrl === '') {
            $errors[] = 'DATABASE_URL is not set';
        }
        $secret = self::text('SECRET_KEY', '');
        $secretProblem = self::secretProblem($secret);
        if ($secretProblem !== null) {
            $errors[] = $secretProblem;
        }
        $settings = new self(
            databaseUrl: $databaseUrl,
            secretKey: $secret,
            logLevel: strtolower(self::text('LOG_LEVEL', 'info')),
            trustedProxies: self::proxies('TRUSTED_PROXIES', $errors),
            authRatePerMinute: self::integer('AUTH_RATE_LIMIT_PER_MINUTE', 20, 1, 100000, $errors),
            lockoutFailures: self::integer('LOGIN_LOCKOUT_FAILURES', 5, 1, 1000, $errors),
            lockoutMaxSeconds: self::integer('LOGIN_LOCKOUT_MAX_SECONDS', 900, 1, 86400, $errors),
            sessionMinutes: self::integer('SESSION_EXPIRE_MINUTES', 480, 1, 43200, $errors),
            cookieSecure: self::boolean('COOKIE_SECURE', true, $errors),
            maxBodyBytes: self::integer('MAX_REQUEST_BODY_BYTES', 1048576, 1024, 1048576, $errors),
            hashConcurrency: self::integer('PASSWORD_HASH_CONCURRENCY', 2, 1, 64, $errors),
        );
        if (!in_array($settings->logLevel, ['debug', 'info', 'notice', 'warning', 'error', 'critical'], true)) {
            $errors[] = 'LOG_LEVEL must be one of debug, info, notice, warning, error, critical';
        }
        if ($errors !== []) {
            throw new SettingsError(implode('; ', $errors));
        }

        return $settings;
    }

    /** Why a SECRET_KEY is refused (too short, or a published placeholder), or null when it is usable. */
    public static function secretProblem(string $secret): ?string
    {
        if (strlen($secret) < self::MIN_SECRET_BYTES) {
            return sprintf('SECRET_KEY must be at least %d bytes (e.g. openssl rand -hex 32)', self::MIN_SECRET_BYTES);
        }
        $lowered = strtolower($secret);
        foreach (self::PLACEHOLDERS as $placeholder) {
            if (str_contains($lowered, $placeholder)) {
                return 'SECRET_KEY is a placeholder: set a random value (e.g. openssl rand -hex 32)';
            }
        }

        return null;
    }

    private static function text(string $name, string $fallback): string
    {
        $value = self::raw($name);

        return $value !== null && $value !== '' ? $value : $fallback;
    }

    /** A variable of the process environment ($_SERVER and $_ENV first, as Symfony's %env()% reads them), or null. */
    private static function raw(string $name): ?string
    {
        $value = $_SERVER[$name] ?? $_ENV[$name] ?? getenv($name);

        return is_string($value) ? $value : null;
    }

    /** @param list<string> $errors */
    private static function integer(string $name, int $fallback, int $low, int $high, array &$errors): int
    {
        $value = self::text($name, '');
        if ($value === '') {
            return $fallback;
        }
        $number = filter_var($value, FILTER_VALIDATE_INT);
        if ($number === false || $number < $low || $number > $high) {
            $errors[] = sprintf('%s must be an integer from %d to %d', $name, $low, $high);

            return $fallback;
        }

        return $number;
    }

    /** @param list<string> $errors */
    private static function boolean(string $name, bool $fallback, array &$errors): bool
    {
        $value = self::raw($name);
        if ($value === null || $value === '') {
            return $fallback;
        }
        $parsed = filter_var($value, FILTER_VALIDATE_BOOLEAN, FILTER_NULL_ON_FAILURE);
        if ($parsed === null) {
            $errors[] = sprintf('%s must be true or false', $name);

            return $fallback;
        }

        return $parsed;
    }

    /**
     * @param list<string> $errors
     * @return list<string>
     */
    private static function proxies(string $name, array &$errors): array
    {
        $out = [];
        foreach (explode(',', self::text($name, '')) as $item) {
            $item = trim($item);
            if ($item === '') {
                continue;
            }
            [$address, $bits] = array_pad(explode('/', $item, 2), 2, null);
            $valid = filter_var($address, FILTER_VALIDATE_IP) !== false
                && ($bits === null || (ctype_digit($bits) && (int) $bits <= (str_contains($address, ':') ? 128 : 32)));
            if (!$valid || !IpUtils::checkIp($address, $item)) {
                $errors[] = sprintf('%s: "%s" is not an IP address or CIDR range', $name, $item);
                continue;
            }
            $out[] = $item;
        }

        return $out;
    }
}
