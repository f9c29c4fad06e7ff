<?php

declare(strict_types=1);

namespace App\Services;

use App\Models\Record;
use App\Support\Model;
use App\Support\Problem;
use App\Support\Values;
use Illuminate\Database\ConnectionInterface;
use Illuminate\Database\Eloquent\Builder;
use Illuminate\Database\QueryException;
use Ramsey\Uuid\Uuid;

/**
 * The rows of the entities, always within one owner: another user's row does not exist (404). Uniqueness
 * and restricted deletes are the database's constraints, answered 409.
 */
final class RecordStore
{
    private readonly Values $values;

    public function __construct(private readonly Model $model, private readonly ConnectionInterface $db)
    {
        $this->values = new Values($model);
    }

    /**
     * One page of an owner's rows, sorted, filtered by equality on the given columns.
     *
     * @param array<string, mixed> $entity
     * @param array<string, mixed> $filters API values by column
     * @return array{items: list<array<string, mixed>>, total: int}
     */
    public function page(array $entity, int $owner, int $limit, int $offset, string $sort, array $filters): array
    {
        $query = $this->owned($entity, $owner);
        foreach ($filters as $column => $value) {
            $query->where($column, $this->values->toDb($this->typeOf($entity, $column), $value));
        }
        $total = (clone $query)->count();
        $direction = str_starts_with($sort, '-') ? 'desc' : 'asc';
        $column = $direction === 'desc' ? substr($sort, 1) : $sort;
        $query->orderBy($column, $direction);
        if ($column !== 'id') {
            $query->orderBy('id');
        }
        $rows = $query->limit($limit)->offset($offset)->get()->map(fn (Record $row) => $row->getAttributes())->all();

        return ['items' => $this->present($entity, $rows), 'total' => $total];
    }

    /**
     * @param array<string, mixed> $entity
     * @return array<string, mixed>|null
     */
    public function find(array $entity, int $owner, string $id): ?array
    {
        $row = $this->owned($entity, $owner)->where('id', $this->idToDb($id))->first();

        return $row === null ? null : $this->present($entity, [$row->getAttributes()])[0];
    }

    /**
     * @param array<string, mixed> $entity
     * @param array<string, mixed> $body validated members
     * @return array<string, mixed>
     */
    public function create(array $entity, int $owner, array $body): array
    {
        foreach ($entity['fields'] as $field) {
            if (!array_key_exists($field['name'], $body) && array_key_exists('default', $field)) {
                $body[$field['name']] = $field['default'];
            }
        }
        $now = gmdate('Y-m-d H:i:s') . '.000000';
        $id = $this->model->uuidIds() ? Uuid::uuid7()->toString() : null;

        return $this->write(function () use ($entity, $owner, $body, $now, $id): string {
            $this->checkParents($entity, $owner, $body);
            $record = Record::of($entity['table'], $this->model->uuidIds());
            $attributes = ['owner_id' => $owner, 'created_at' => $now, 'updated_at' => $now] + $this->columns($entity, $body);
            if ($id !== null) {
                $attributes['id'] = $this->idToDb($id);
            }
            $record->fill($attributes)->save();
            $key = $id ?? (string) $record->getKey();
            $this->replaceLinks($entity, $owner, $key, $body);

            return $key;
        }, $entity, $owner);
    }

    /**
     * @param array<string, mixed> $entity
     * @param array<string, mixed> $body validated members
     * @return array<string, mixed>
     */
    public function update(array $entity, int $owner, string $id, array $body): array
    {
        return $this->write(function () use ($entity, $owner, $id, $body): string {
            $changes = $this->columns($entity, $body);
            $changes['updated_at'] = gmdate('Y-m-d H:i:s') . '.000000';
            if ($this->owned($entity, $owner)->where('id', $this->idToDb($id))->lockForUpdate()->first(['id']) === null) {
                throw Problem::notFound();
            }
            $this->checkParents($entity, $owner, $body);
            $this->owned($entity, $owner)->where('id', $this->idToDb($id))->update($changes);
            $this->replaceLinks($entity, $owner, $id, $body);

            return $id;
        }, $entity, $owner);
    }

    /** @param array<string, mixed> $entity */
    public function delete(array $entity, int $owner, string $id): void
    {
        try {
            $deleted = $this->owned($entity, $owner)->where('id', $this->idToDb($id))->delete();
        } catch (QueryException $error) {
            throw self::constraintProblem($error) ?? $error;
        }
        if ($deleted === 0) {
            throw Problem::notFound();
        }
    }

    /**
     * Run a write in a transaction, then read the row back; constraint violations become 409.
     *
     * @param array<string, mixed> $entity
     * @return array<string, mixed>
     */
    private function write(callable $work, array $entity, int $owner): array
    {
        try {
            $id = $this->db->transaction($work);
        } catch (QueryException $error) {
            throw self::constraintProblem($error) ?? $error;
        }

        return $this->find($entity, $owner, $id) ?? throw Problem::notFound();
    }

    /** 409 for a unique or foreign-key violation, null for any other database error. */
    private static function constraintProblem(QueryException $error): ?Problem
    {
        $state = (string) ($error->errorInfo[0] ?? $error->getCode());
        $message = strtolower($error->getMessage());
        if ($state === '23505' || str_contains($message, 'unique') || str_contains($message, 'duplicate')) {
            return new Problem(409, 'A row with the same unique value already exists.');
        }
        if ($state === '23503' || str_contains($message, 'foreign key')) {
            return new Problem(409, 'Other rows still refer to this one.');
        }

        return null;
    }

    /** @param array<string, mixed> $entity */
    private function owned(array $entity, int $owner): Builder
    {
        return Record::of($entity['table'], $this->model->uuidIds())->newQuery()->where('owner_id', $owner);
    }

    /**
     * The column values of the fields and parents present in a body.
     *
     * @param array<string, mixed> $entity
     * @param array<string, mixed> $body
     * @return array<string, mixed>
     */
    private function columns(array $entity, array $body): array
    {
        $columns = [];
        foreach ($entity['fields'] as $field) {
            if (array_key_exists($field['name'], $body)) {
                $value = $field['type'] === 'integer' && is_float($body[$field['name']]) ? (int) $body[$field['name']] : $body[$field['name']];
                $columns[$field['name']] = $this->values->toDb($field['type'], $value);
            }
        }
        foreach ($entity['parents'] as $parent) {
            if (array_key_exists($parent['column'], $body)) {
                $columns[$parent['column']] = $body[$parent['column']] === null ? null : $this->idToDb((string) $body[$parent['column']]);
            }
        }

        return $columns;
    }

    /**
     * A parent or linked row must exist and belong to the same owner: 404 naming the member otherwise (the
     * body is valid: the row it names is not there for this user).
     *
     * @param array<string, mixed> $entity
     * @param array<string, mixed> $body
     */
    private function checkParents(array $entity, int $owner, array $body): void
    {
        foreach ($entity['parents'] as $parent) {
            $id = $body[$parent['column']] ?? null;
            if ($id !== null && !$this->owns($parent['target'], $owner, [(string) $id])) {
                throw Problem::notFound(sprintf('%s names no %s of yours.', $parent['column'], $parent['target']));
            }
        }
        foreach ($entity['links'] as $link) {
            $ids = array_map('strval', $body[$link['field']] ?? []);
            if ($ids !== [] && !$this->owns($link['target'], $owner, $ids)) {
                throw Problem::notFound(sprintf('%s names a %s that is not yours.', $link['field'], $link['target']));
            }
        }
    }

    /** @param list<string> $ids */
    private function owns(string $target, int $owner, array $ids): bool
    {
        $unique = array_values(array_unique(array_map(fn (string $id) => $this->idToDb($id), $ids)));

        return $this->owned($this->model->entity($target), $owner)->whereIn('id', $unique)->count() === count($unique);
    }

    /**
     * @param array<string, mixed> $entity
     * @param array<string, mixed> $body
     */
    private function replaceLinks(array $entity, int $owner, string $id, array $body): void
    {
        foreach ($entity['links'] as $link) {
            if (!array_key_exists($link['field'], $body)) {
                continue;
            }
            $table = $this->db->table($link['table']);
            (clone $table)->where($link['left'], $this->idToDb($id))->delete();
            $rows = [];
            foreach (array_unique(array_map(fn ($other) => $this->idToDb((string) $other), $body[$link['field']])) as $other) {
                $rows[] = [$link['left'] => $this->idToDb($id), $link['right'] => $other];
            }
            if ($rows !== []) {
                (clone $table)->insert($rows);
            }
        }
    }

    /**
     * Rows as the API shows them, with the ids of their links.
     *
     * @param array<string, mixed> $entity
     * @param list<array<string, mixed>> $rows
     * @return list<array<string, mixed>>
     */
    private function present(array $entity, array $rows): array
    {
        $idType = $this->model->uuidIds() ? 'id-uuid' : 'id-int';
        $out = [];
        foreach ($rows as $row) {
            $item = ['id' => $this->values->fromDb($idType, $row['id'])];
            foreach ($entity['fields'] as $field) {
                $item[$field['name']] = $this->values->fromDb($field['type'], $row[$field['name']], $field['scale'] ?? 0);
            }
            foreach ($entity['parents'] as $parent) {
                $item[$parent['column']] = $this->values->fromDb($idType, $row[$parent['column']]);
            }
            foreach ($entity['links'] as $link) {
                $others = $this->db->table($link['table'])->where($link['left'], $row['id'])->orderBy($link['right'])->pluck($link['right'])->all();
                $item[$link['field']] = array_map(fn ($other) => $this->values->fromDb($idType, $other), $others);
            }
            $item['created_at'] = Values::instantText((string) $row['created_at']);
            $item['updated_at'] = Values::instantText((string) $row['updated_at']);
            $out[] = $item;
        }

        return $out;
    }

    /** @param array<string, mixed> $entity */
    private function typeOf(array $entity, string $column): string
    {
        foreach ($entity['fields'] as $field) {
            if ($field['name'] === $column) {
                return $field['type'];
            }
        }

        return $this->model->uuidIds() ? 'id-uuid' : 'id-int';
    }

    private function idToDb(string $id): string|int
    {
        return $this->model->uuidIds() ? $this->values->uuidToDb($id) : (int) $id;
    }
}
