<?php

declare(strict_types=1);

namespace App\{{cookiecutter.stack.php.services}};

use App\Support\Problem;
use App\Support\Settings;

/**
 * The bound on concurrent argon2id hashes across the worker processes of one instance: PASSWORD_HASH_CONCURRENCY
 * slots, each an exclusive lock on a file in {{ cookiecutter.stack.php.lock_dir }}/. A request that finds no slot free within a
 * second is shed with 503 and Retry-After, so a burst of logins queues on the CPU no longer than that.
 */
final class HashSlots
{
    private const WAIT_MICROSECONDS = 1000000;
    private const POLL_MICROSECONDS = 20000;

    /**
     * Run `$work` holding one slot.
     *
     * @template T
     * @param callable(): T $work
     * @return T
     */
    public static function run(callable $work): mixed
    {
        $slot = self::acquire(Settings::current()->hashConcurrency);
        try {
            return $work();
        } finally {
            flock($slot, LOCK_UN);
            fclose($slot);
        }
    }

    /** @return resource */
    private static function acquire(int $slots)
    {
        $waited = 0;
        while (true) {
            for ($i = 0; $i < $slots; $i++) {
                $handle = fopen(dirname(__DIR__, 2) . "/{{ cookiecutter.stack.php.lock_dir }}/hash-slot-$i.lock", 'c');
                if ($handle !== false && flock($handle, LOCK_EX | LOCK_NB)) {
                    return $handle;
                }
                if ($handle !== false) {
                    fclose($handle);
                }
            }
            if ($waited >= self::WAIT_MICROSECONDS) {
                throw new Problem(503, 'The server is busy: retry in a moment.', [], ['Retry-After' => '1']);
            }
            usleep(self::POLL_MICROSECONDS);
            $waited += self::POLL_MICROSECONDS;
        }
    }
}
