<?php

declare(strict_types=1);

namespace App\{{cookiecutter.stack.php.services}};

use Normalizer;

/**
 * Passwords: the policy (12 to 128 characters as typed and after NFKC normalisation, not blank, no NUL, not one of the
 * 10,000 most common passwords of resources/common-passwords.txt, not even with digits or symbols appended) and argon2id hashes (PHP's password_hash).
 * At most PASSWORD_HASH_CONCURRENCY hashes run at once on an instance (App\{{cookiecutter.stack.php.services}}\HashSlots).
 */
final class Passwords
{
    public const MIN_LENGTH = 12;
    public const MAX_LENGTH = 128;
    /** Shorter list entries ("a", "12") would refuse too much as the start of a password. */
    private const MIN_BASE = 4;

    /** @var array<string, true>|null */
    private static ?array $common = null;

    /** Why a new password is refused, or null when the policy accepts it. */
    public static function problem(string $password): ?string
    {
        if (str_contains($password, "\0")) {
            return 'must not contain NUL characters';
        }
        $normalized = Normalizer::normalize($password, Normalizer::FORM_KC);
        if ($normalized === false) {
            return 'must be valid UTF-8 text';
        }
        // as typed too: NFKC lengthens some text ("\u{FB03}" is "ffi"), and the contract's bounds are on what is sent
        foreach ([mb_strlen($password), mb_strlen($normalized)] as $length) {
            if ($length < self::MIN_LENGTH || $length > self::MAX_LENGTH) {
                return sprintf('must have %d to %d characters', self::MIN_LENGTH, self::MAX_LENGTH);
            }
        }
        if (trim($normalized, " \t\n\r\0\x0B\u{00A0}") === '' || preg_match('/^\s*$/u', $normalized)) {
            return 'must not be blank';
        }
        if (self::isCommon(mb_strtolower($normalized))) {
            return 'is too common: choose a longer passphrase of unrelated words';
        }

        return null;
    }

    /**
     * A common password, or one (of MIN_BASE characters or more) followed only by digits, symbols or spaces:
     * "password2024!", "123456789012" ("123456789" + "012"); attack rules append those first.
     */
    private static function isCommon(string $folded): bool
    {
        $common = self::common();
        if (isset($common[$folded])) {
            return true;
        }
        $runStart = mb_strlen((string) preg_replace('/[\W\d_]+$/u', '', $folded));
        for ($end = max($runStart, self::MIN_BASE); $end < mb_strlen($folded); $end++) {
            if (isset($common[mb_substr($folded, 0, $end)])) {
                return true;
            }
        }

        return false;
    }

    public static function hash(string $password): string
    {
        return HashSlots::run(static fn (): string => password_hash(self::normalized($password), PASSWORD_ARGON2ID));
    }

    public static function verify(string $password, string $hash): bool
    {
        return HashSlots::run(static fn (): bool => password_verify(self::normalized($password), $hash));
    }

    private static function normalized(string $password): string
    {
        $normalized = Normalizer::normalize($password, Normalizer::FORM_KC);

        return $normalized === false ? $password : $normalized;
    }

    /** @return array<string, true> */
    private static function common(): array
    {
        if (self::$common === null) {
            $lines = file(dirname(__DIR__, 2) . '/resources/common-passwords.txt', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) ?: [];
            $words = array_filter($lines, static fn (string $line) => !str_starts_with($line, '#'));
            self::$common = array_fill_keys($words, true);
        }

        return self::$common;
    }
}
