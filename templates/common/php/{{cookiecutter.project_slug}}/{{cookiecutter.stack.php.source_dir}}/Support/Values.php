<?php

declare(strict_types=1);

namespace App\Support;

use DateTimeImmutable;
use DateTimeZone;
use stdClass;

/**
 * API values to column values and back. Values arrive checked (App\{{cookiecutter.stack.php.services}}\RecordValidator); instants are
 * stored in UTC with microseconds, which sorts as text on SQLite too; UUIDs are 32 hexadecimal digits where
 * the database has no uuid type.
 */
final class Values
{
    public const DB_INSTANT = 'Y-m-d H:i:s.u';

    public function __construct(private readonly Model $model)
    {
    }

    /** The column value of an API value of a field type. */
    public function toDb(string $type, mixed $value): mixed
    {
        return match (true) {
            $value === null => null,
            $type === 'json' => json_encode($value, JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION),
            $type === 'datetime' => self::instant((string) $value)?->format(self::DB_INSTANT),
            $type === 'uuid', $type === 'id-uuid' => $this->uuidToDb((string) $value),
            $type === 'boolean' => $value ? 1 : 0,
            default => $value,
        };
    }

    /** The API value of a column value (`$scale`: the digits after the point of a decimal). */
    public function fromDb(string $type, mixed $value, int $scale = 0): mixed
    {
        if ($value === null) {
            return null;
        }

        return match ($type) {
            'json' => json_decode((string) $value, false, 512, JSON_THROW_ON_ERROR),
            'integer', 'id-int' => (int) $value,
            'boolean' => is_string($value) ? in_array(strtolower($value), ['1', 't', 'true'], true) : (bool) $value,
            'decimal' => self::decimalText($value, $scale),
            'date' => substr((string) $value, 0, 10),
            'datetime', 'instant' => self::instantText((string) $value),
            'uuid', 'id-uuid' => self::uuidText((string) $value),
            default => (string) $value,
        };
    }

    public function uuidToDb(string $text): string
    {
        $text = strtolower($text);

        return $this->model->hexUuids() ? str_replace('-', '', $text) : $text;
    }

    /** An RFC 3339 date-time (offset required) as a UTC instant, or null when it is not one. */
    public static function instant(string $text): ?DateTimeImmutable
    {
        $pattern = '/^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/D';
        if (!preg_match($pattern, $text, $m) || !checkdate((int) $m[2], (int) $m[3], (int) $m[1])) {
            return null;
        }
        if ((int) $m[4] > 23 || (int) $m[5] > 59 || (int) $m[6] > 59 || (int) $m[1] < 1) {
            return null;
        }
        $fraction = substr(str_pad(substr($m[7] ?? '', 1), 6, '0'), 0, 6);
        $offset = strtoupper($m[8]) === 'Z' ? '+00:00' : $m[8];
        if ((int) substr($offset, 1, 2) > 23 || (int) substr($offset, 4, 2) > 59) {
            return null;
        }
        $parsed = DateTimeImmutable::createFromFormat(
            'Y-m-d H:i:s.uP',
            sprintf('%s-%s-%s %s:%s:%s.%s%s', $m[1], $m[2], $m[3], $m[4], $m[5], $m[6], $fraction, $offset),
        );

        return $parsed === false ? null : $parsed->setTimezone(new DateTimeZone('UTC'));
    }

    /** A stored instant as RFC 3339 in UTC, fractional seconds only when there are some. */
    public static function instantText(string $stored): string
    {
        $instant = new DateTimeImmutable($stored, new DateTimeZone('UTC'));
        $utc = $instant->setTimezone(new DateTimeZone('UTC'));
        $fraction = rtrim($utc->format('u'), '0');

        return $utc->format('Y-m-d\TH:i:s') . ($fraction === '' ? '' : '.' . $fraction) . 'Z';
    }

    private static function decimalText(mixed $value, int $scale): string
    {
        if (is_string($value) && preg_match('/^-?\d+(\.\d+)?$/D', $value)) {
            [$whole, $fraction] = array_pad(explode('.', $value, 2), 2, '');

            return $scale === 0 ? $whole : $whole . '.' . substr(str_pad($fraction, $scale, '0'), 0, $scale);
        }

        return number_format((float) $value, $scale, '.', '');
    }

    private static function uuidText(string $stored): string
    {
        $hex = strtolower(str_replace('-', '', $stored));

        return sprintf('%s-%s-%s-%s-%s', substr($hex, 0, 8), substr($hex, 8, 4), substr($hex, 12, 4), substr($hex, 16, 4), substr($hex, 20));
    }

    /** The members of a decoded JSON object (an empty object decodes to stdClass too). */
    public static function members(stdClass $object): array
    {
        return get_object_vars($object);
    }
}
