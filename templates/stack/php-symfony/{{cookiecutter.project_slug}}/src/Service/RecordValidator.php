<?php

declare(strict_types=1);

namespace App\Service;

use App\Support\Model;
use App\Support\Problem;
use App\Support\Values;
use Symfony\Component\Validator\Constraint;
use Symfony\Component\Validator\Constraints\Callback;
use Symfony\Component\Validator\Constraints\Choice;
use Symfony\Component\Validator\Constraints\Collection;
use Symfony\Component\Validator\Constraints\Length;
use Symfony\Component\Validator\Constraints\NotNull;
use Symfony\Component\Validator\Constraints\Optional;
use Symfony\Component\Validator\Constraints\Range;
use Symfony\Component\Validator\Constraints\Regex;
use Symfony\Component\Validator\Constraints\Required;
use Symfony\Component\Validator\Constraints\Sequentially;
use Symfony\Component\Validator\Constraints\Type;
use Symfony\Component\Validator\ConstraintViolationListInterface;
use Symfony\Component\Validator\Context\ExecutionContextInterface;
use Symfony\Component\Validator\Validation;
use Symfony\Component\Validator\Validator\ValidatorInterface;

/**
 * The constraints of an entity, derived from the model (what a hand-written entity would declare as
 * attributes), applied with the Symfony Validator: one Collection constraint per body, so unknown members are
 * refused and every required member must be sent. JSON types are strict: "12" is not an integer, 1 is not a
 * boolean. Every problem is located by a JSON Pointer; no value is echoed.
 */
final class RecordValidator
{
    /** The largest id openapi.yaml allows: 2**53 - 1, exact in JavaScript clients and JSON Schema tools. */
    public const MAX_ID = 9007199254740991;

    private readonly ValidatorInterface $validator;

    public function __construct(private readonly Model $model)
    {
        $this->validator = Validation::createValidator();
    }

    /**
     * The members of a create (every required member present) or an update (any subset) body, checked.
     *
     * @param array<string, mixed> $body
     * @param array<string, mixed> $entity
     * @return array<string, mixed>
     */
    public function validated(array $entity, array $body, bool $create): array
    {
        $members = [];
        foreach ($entity['fields'] as $field) {
            $mustBeSent = $create && $field['required'] && !array_key_exists('default', $field);
            $members[$field['name']] = self::member($mustBeSent, $field['required'], self::fieldConstraints($field));
        }
        foreach ($entity['parents'] as $parent) {
            $id = self::check(fn (mixed $value): bool => $this->isId($value), 'is not a valid id');
            $members[$parent['column']] = self::member($create && $parent['required'], $parent['required'], [$id]);
        }
        foreach ($entity['links'] as $link) {
            $ids = self::check(
                fn (mixed $value): bool => array_is_list($value) && array_filter($value, fn (mixed $id) => !$this->isId($id)) === [],
                'must be an array of ids',
            );
            $members[$link['field']] = self::member(false, true, [new Type(type: 'array', message: 'must be an array of ids'), $ids]);
        }
        $collection = new Collection(
            fields: $members,
            allowExtraFields: false,
            allowMissingFields: false,
            extraFieldsMessage: 'is not a member of ' . $entity['name'],
            missingFieldsMessage: 'is required',
        );
        self::throwViolations($this->validator->validate($body, $collection));

        return $body;
    }

    /**
     * 422 with one error per violation of a body's Collection constraint (property paths are [member]).
     */
    public static function throwViolations(ConstraintViolationListInterface $violations): void
    {
        $errors = [];
        foreach ($violations as $violation) {
            $member = trim($violation->getPropertyPath(), '[]');
            $errors[] = ['pointer' => '#/' . str_replace(['~', '/'], ['~0', '~1'], $member), 'detail' => (string) $violation->getMessage()];
        }
        if ($errors !== []) {
            throw Problem::invalid($errors);
        }
    }

    /**
     * A member of a body: Required (must be sent) or Optional, not null unless `$nullable`, then its
     * constraints in sequence (the first violation is the one reported).
     *
     * @param list<Constraint> $constraints
     */
    private static function member(bool $mustBeSent, bool $notNull, array $constraints): Required|Optional
    {
        $all = $notNull ? [new NotNull(message: 'must not be null'), ...$constraints] : $constraints;
        $sequence = [new Sequentially(constraints: $all)];

        return $mustBeSent ? new Required($sequence) : new Optional($sequence);
    }

    /**
     * The constraints of a field's JSON value (null is checked by the member).
     *
     * @param array<string, mixed> $field
     * @return list<Constraint>
     */
    private static function fieldConstraints(array $field): array
    {
        $string = new Type(type: 'string', message: 'must be a string');

        return match ($field['type']) {
            'string', 'text' => [
                $string,
                new Regex(pattern: '/\x00/', match: false, message: 'must not contain NUL characters'),
                new Length(
                    min: $field['min_length'],
                    max: $field['max_length'],
                    minMessage: sprintf('must have %d to %d characters', $field['min_length'], $field['max_length']),
                    maxMessage: sprintf('must have %d to %d characters', $field['min_length'], $field['max_length']),
                    charsetMessage: 'must be UTF-8 text',
                ),
            ],
            'integer' => [
                self::check(static fn (mixed $value): bool => self::isInteger($value), 'must be an integer'),
                new Range(
                    min: $field['min'],
                    max: $field['max'],
                    notInRangeMessage: sprintf('must be an integer from %d to %d', $field['min'], $field['max']),
                ),
            ],
            // not Symfony's Regex constraint: it lets the empty string through
            'decimal' => [$string, self::check(
                static fn (mixed $value): bool => preg_match('/' . $field['pattern'] . '/D', $value) === 1,
                'must be a decimal number written as a string, within its bounds',
            )],
            'boolean' => [new Type(type: 'bool', message: 'must be true or false')],
            'enum' => [$string, new Choice(choices: $field['values'], message: 'must be one of ' . implode(', ', $field['values']))],
            'date' => [$string, self::check(static fn (mixed $value): bool => self::isDate($value), 'must be a date (YYYY-MM-DD)')],
            'datetime' => [
                $string,
                self::check(static fn (mixed $value): bool => Values::instant($value) !== null, 'must be an RFC 3339 date-time with an offset'),
            ],
            'uuid' => [$string, self::check(static fn (mixed $value): bool => self::isUuid($value), 'must be a UUID')],
            'json' => [self::check(static fn (mixed $value): bool => self::encodable($value), 'must be a JSON value')],
            default => throw new \LogicException('unknown field type ' . $field['type']),
        };
    }

    /** A Callback constraint: `$message` when `$accepts` refuses a value that is not null. */
    private static function check(callable $accepts, string $message): Callback
    {
        return new Callback(callback: static function (mixed $value, ExecutionContextInterface $context) use ($accepts, $message): void {
            if ($value !== null && !$accepts($value)) {
                $context->addViolation($message);
            }
        });
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

    private static function encodable(mixed $value): bool
    {
        try {
            json_encode($value, JSON_THROW_ON_ERROR);

            return true;
        } catch (\JsonException) {
            return false;
        }
    }
}
