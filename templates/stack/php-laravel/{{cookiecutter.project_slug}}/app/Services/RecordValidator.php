<?php

declare(strict_types=1);

namespace App\Services;

use App\Support\Model;
use App\Support\Problem;
use App\Support\Values;
use Illuminate\Contracts\Validation\Factory;

/**
 * The validation rules of an entity, derived from the model (the form-request rules Laravel would declare
 * by hand), applied with Laravel's validator. JSON types are strict: "12" is not an integer, 1 is not a
 * boolean. Unknown members are refused; every problem is located by a JSON Pointer, no value is echoed.
 */
final class RecordValidator
{
    /** The largest id openapi.yaml allows: 2**53 - 1, exact in JavaScript clients and JSON Schema tools. */
    public const MAX_ID = 9007199254740991;

    /** Messages of Laravel's built-in rules: short, and without the submitted value. */
    private const MESSAGES = [
        'present' => 'is required',
        'string' => 'must be a string',
        'min' => 'must have at least :min characters',
        'max' => 'must have at most :max characters',
        'not_regex' => 'must not contain NUL characters',
        'array' => 'must be an array',
    ];

    public function __construct(private readonly Model $model, private readonly Factory $validator)
    {
    }

    /**
     * The members of a create (every required member present) or an update (any subset) body, checked.
     * Laravel's rules check presence and text; the JSON type of the other members is checked here (Laravel
     * skips its non-implicit rules for blank strings, and its `integer` or `boolean` accept "12" or 1).
     *
     * @param array<string, mixed> $body
     * @param array<string, mixed> $entity
     * @return array<string, mixed>
     */
    public function validated(array $entity, array $body, bool $create): array
    {
        $rules = [];
        $checks = [];
        $nullable = [];
        foreach ($entity['fields'] as $field) {
            $name = $field['name'];
            $text = in_array($field['type'], ['string', 'text'], true);
            $rules[$name] = [$this->presence($field['required'] && !array_key_exists('default', $field), $create), 'nullable'];
            if ($text) {
                // bail: a member that is not a string is not measured
                array_push($rules[$name], 'bail', 'string', 'max:' . $field['max_length'], 'not_regex:/\x00/');
            }
            // Laravel skips its non-implicit rules for blank strings: "" is checked here too
            $checks[$name] = static fn (mixed $value): ?string => self::fits($field, $value);
            $nullable[$name] = !$field['required'];
        }
        foreach ($entity['parents'] as $parent) {
            $rules[$parent['column']] = [$this->presence($parent['required'], $create), 'nullable'];
            $checks[$parent['column']] = fn (mixed $value): ?string => $this->isId($value) ? null : 'is not a valid id';
            $nullable[$parent['column']] = !$parent['required'];
        }
        foreach ($entity['links'] as $link) {
            $rules[$link['field']] = ['sometimes'];
            $checks[$link['field']] = fn (mixed $value): ?string => is_array($value) && array_is_list($value)
                && count(array_filter($value, fn (mixed $id) => !$this->isId($id))) === 0 ? null : 'must be an array of ids';
            $nullable[$link['field']] = false;
        }
        $errors = [];
        foreach (array_keys($body) as $key) {
            if (!isset($rules[$key])) {
                $errors[] = ['pointer' => self::pointer((string) $key), 'detail' => 'is not a member of ' . $entity['name']];
            }
        }
        $failed = $this->validator->make($body, $rules, self::MESSAGES)->errors()->messages();
        foreach ($failed as $attribute => $messages) {
            $errors[] = ['pointer' => self::pointer((string) $attribute), 'detail' => $messages[0]];
        }
        foreach ($checks as $name => $check) {
            if (!array_key_exists($name, $body) || isset($failed[$name])) {
                continue;
            }
            $value = $body[$name];
            $problem = $value === null ? ($nullable[$name] ? null : 'must not be null') : $check($value);
            if ($problem !== null) {
                $errors[] = ['pointer' => self::pointer($name), 'detail' => $problem];
            }
        }
        if ($errors !== []) {
            throw Problem::invalid($errors);
        }

        return array_intersect_key($body, $rules);
    }

    /** A path or query parameter that is an id: 422 naming the parameter when it is not one. */
    public function id(string $parameter, mixed $value): string
    {
        if (!is_string($value) || !$this->isId($value)) {
            throw Problem::invalid([['parameter' => $parameter, 'detail' => 'is not a valid id']]);
        }

        return $value;
    }

    /** Whether a JSON value is a well-formed id of this model (a UUID, or a positive 64-bit integer). */
    public function isId(mixed $value): bool
    {
        if ($this->model->uuidIds()) {
            return is_string($value) && self::isUuid($value);
        }
        if (is_string($value)) {
            return preg_match('/^[1-9][0-9]{0,18}$/D', $value) === 1 && (int) $value <= self::MAX_ID && $value === (string) (int) $value;
        }

        // JSON Schema's integers: 75299.0 is one
        return self::isInteger($value) && $value >= 1 && $value <= self::MAX_ID;
    }

    public static function isUuid(string $value): bool
    {
        return preg_match('/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/D', $value) === 1;
    }

    /** Whether a value fits a field of the model (the same checks for bodies and query filters). */
    public static function fits(array $field, mixed $value): ?string
    {
        return match ($field['type']) {
            'string', 'text' => self::textProblem($field, $value),
            'integer' => self::isInteger($value) && $value >= $field['min'] && $value <= $field['max']
                ? null : sprintf('must be an integer from %d to %d', $field['min'], $field['max']),
            'decimal' => is_string($value) && preg_match('/' . $field['pattern'] . '/D', $value) === 1
                ? null : 'must be a decimal number written as a string, within its bounds',
            'boolean' => is_bool($value) ? null : 'must be true or false',
            'enum' => is_string($value) && in_array($value, $field['values'], true)
                ? null : 'must be one of ' . implode(', ', $field['values']),
            'date' => is_string($value) && self::isDate($value) ? null : 'must be a date (YYYY-MM-DD)',
            'datetime' => is_string($value) && Values::instant($value) !== null ? null : 'must be an RFC 3339 date-time with an offset',
            'uuid' => is_string($value) && self::isUuid($value) ? null : 'must be a UUID',
            'json' => self::encodable($value) ? null : 'must be a JSON value',
            default => 'has an unknown type',
        };
    }

    /**
     * Why a value is not text of a field's length without NUL, or null.
     *
     * @param array<string, mixed> $field
     */
    public static function textProblem(array $field, mixed $value): ?string
    {
        if (!is_string($value)) {
            return 'must be a string';
        }
        if (str_contains($value, "\0") || !mb_check_encoding($value, 'UTF-8')) {
            return 'must be text without NUL characters';
        }
        $length = mb_strlen($value);

        return $length < $field['min_length'] || $length > $field['max_length']
            ? sprintf('must have %d to %d characters', $field['min_length'], $field['max_length'])
            : null;
    }

    /** JSON Schema's integers: 5 and 5.0 alike, within 64 bits. */
    public static function isInteger(mixed $value): bool
    {
        return is_int($value) || (is_float($value) && is_finite($value) && floor($value) === $value && abs($value) < 2 ** 62);
    }

    public static function isDate(string $value): bool
    {
        return preg_match('/^(\d{4})-(\d{2})-(\d{2})$/D', $value, $m) === 1 && (int) $m[1] >= 1 && checkdate((int) $m[2], (int) $m[3], (int) $m[1]);
    }

    /** Laravel's presence rule of a member: `present` when a create must send it. */
    private function presence(bool $mustBeSent, bool $create): string
    {
        return $create && $mustBeSent ? 'present' : 'sometimes';
    }

    private static function encodable(mixed $value): bool
    {
        try {
            json_encode($value, JSON_THROW_ON_ERROR);

            return true;
        } catch (\JsonException) {
            return false;
        }
    }

    /** The JSON Pointer of a member (RFC 6901; Laravel names array items member.N). */
    private static function pointer(string $name): string
    {
        return '#/' . str_replace(['~', '/', '.'], ['~0', '~1', '/'], $name);
    }
}
