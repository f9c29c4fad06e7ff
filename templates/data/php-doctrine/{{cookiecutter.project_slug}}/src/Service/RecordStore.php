<?php

declare(strict_types=1);

namespace App\Service;

use App\Support\Model;
use App\Support\Problem;
use App\Support\Values;
use Doctrine\DBAL\Connection;
use Doctrine\DBAL\Exception\ForeignKeyConstraintViolationException;
use Doctrine\DBAL\Exception\UniqueConstraintViolationException;
use Doctrine\DBAL\Query\QueryBuilder;
use Ramsey\Uuid\Uuid;

/**
 * The rows of the entities through Doctrine DBAL's query builder, always within one owner: another user's
 * row does not exist (404). Uniqueness and restricted deletes are the database's constraints, answered 409.
 * Table and column names come from the model (resources/model.json), never from a request.
 */
final class RecordStore
{
    private readonly Values $values;

    public function __construct(private readonly Model $model, private readonly Connection $db)
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
            $query->andWhere($this->db->quoteIdentifier($column) . ' = ' . $query->createNamedParameter(
                $this->values->toDb($this->typeOf($entity, $column), $value),
            ));
        }
        $total = (int) (clone $query)->select('COUNT(*)')->executeQuery()->fetchOne();
        $direction = str_starts_with($sort, '-') ? 'DESC' : 'ASC';
        $column = $direction === 'DESC' ? substr($sort, 1) : $sort;
        $query->orderBy($this->db->quoteIdentifier($column), $direction);
        if ($column !== 'id') {
            $query->addOrderBy('id', 'ASC');
        }
        $rows = $query->setMaxResults($limit)->setFirstResult($offset)->executeQuery()->fetchAllAssociative();

        return ['items' => $this->present($entity, $rows), 'total' => $total];
    }

    /**
     * @param array<string, mixed> $entity
     * @return array<string, mixed>|null
     */
    public function find(array $entity, int $owner, string $id): ?array
    {
        $query = $this->owned($entity, $owner);
        $row = $query->andWhere('id = ' . $query->createNamedParameter($this->idToDb($id)))->executeQuery()->fetchAssociative();

        return $row === false ? null : $this->present($entity, [$row])[0];
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

        return $this->write(function (Connection $db) use ($entity, $owner, $body, $now, $id): string {
            $this->checkParents($entity, $owner, $body);
            $columns = ['owner_id' => $owner, 'created_at' => $now, 'updated_at' => $now] + $this->columns($entity, $body);
            if ($id !== null) {
                $columns['id'] = $this->idToDb($id);
            }
            $db->insert($entity['table'], self::quoted($db, $columns));
            $key = $id ?? (string) $db->lastInsertId();
            $this->replaceLinks($entity, $key, $body);

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
        return $this->write(function (Connection $db) use ($entity, $owner, $id, $body): string {
            $query = $this->owned($entity, $owner)->select('id');
            $query->andWhere('id = ' . $query->createNamedParameter($this->idToDb($id)));
            // the row stays locked until the links are replaced (SQLite locks the whole database on write)
            $lock = $this->model->database === 'sqlite' ? '' : ' FOR UPDATE';
            if ($db->fetchOne($query->getSQL() . $lock, $query->getParameters()) === false) {
                throw Problem::notFound();
            }
            $this->checkParents($entity, $owner, $body);
            $changes = $this->columns($entity, $body);
            $changes['updated_at'] = gmdate('Y-m-d H:i:s') . '.000000';
            $db->update($entity['table'], self::quoted($db, $changes), ['id' => $this->idToDb($id), 'owner_id' => $owner]);
            $this->replaceLinks($entity, $id, $body);

            return $id;
        }, $entity, $owner);
    }

    /** @param array<string, mixed> $entity */
    public function delete(array $entity, int $owner, string $id): void
    {
        try {
            $deleted = $this->db->delete($entity['table'], ['id' => $this->idToDb($id), 'owner_id' => $owner]);
        } catch (ForeignKeyConstraintViolationException) {
            throw new Problem(409, 'Other rows still refer to this one.');
        }
        if ((int) $deleted === 0) {
            throw Problem::notFound();
        }
    }

    /**
     * Run a write in a transaction, then read the row back; constraint violations become 409.
     *
     * @param callable(Connection): string $work
     * @param array<string, mixed> $entity
     * @return array<string, mixed>
     */
    private function write(callable $work, array $entity, int $owner): array
    {
        try {
            $id = $this->db->transactional($work);
        } catch (UniqueConstraintViolationException) {
            throw new Problem(409, 'A row with the same unique value already exists.');
        } catch (ForeignKeyConstraintViolationException) {
            throw new Problem(409, 'Other rows still refer to this one.');
        }

        return $this->find($entity, $owner, $id) ?? throw Problem::notFound();
    }

    /** @param array<string, mixed> $entity */
    private function owned(array $entity, int $owner): QueryBuilder
    {
        $query = $this->db->createQueryBuilder()->select('*')->from($this->db->quoteIdentifier($entity['table']));

        return $query->where('owner_id = ' . $query->createNamedParameter($owner));
    }

    /**
     * Column names quoted for the database (a field may be named like a keyword).
     *
     * @param array<string, mixed> $columns
     * @return array<string, mixed>
     */
    private static function quoted(Connection $db, array $columns): array
    {
        $out = [];
        foreach ($columns as $name => $value) {
            $out[$db->quoteIdentifier((string) $name)] = $value;
        }

        return $out;
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
        $query = $this->owned($this->model->entity($target), $owner)->select('COUNT(*)');
        $query->andWhere($query->expr()->in('id', array_map(static fn ($id) => $query->createNamedParameter($id), $unique)));

        return (int) $query->executeQuery()->fetchOne() === count($unique);
    }

    /**
     * @param array<string, mixed> $entity
     * @param array<string, mixed> $body
     */
    private function replaceLinks(array $entity, string $id, array $body): void
    {
        foreach ($entity['links'] as $link) {
            if (!array_key_exists($link['field'], $body)) {
                continue;
            }
            $this->db->delete($link['table'], [$link['left'] => $this->idToDb($id)]);
            foreach (array_unique(array_map(fn ($other) => $this->idToDb((string) $other), $body[$link['field']])) as $other) {
                $this->db->insert($link['table'], [$link['left'] => $this->idToDb($id), $link['right'] => $other]);
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
                $others = $this->db->fetchFirstColumn(
                    sprintf('SELECT %2$s FROM %1$s WHERE %3$s = ? ORDER BY %2$s', $link['table'], $link['right'], $link['left']),
                    [$row['id']],
                );
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
