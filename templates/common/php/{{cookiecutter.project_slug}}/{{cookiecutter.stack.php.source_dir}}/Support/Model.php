<?php

declare(strict_types=1);

namespace App\Support;

use RuntimeException;

/**
 * The domain model of the API (resources/model.json, generated from the `entities:` of .backend-expert.yml,
 * the same relational view that computed openapi.yaml and db/schema.sql). It is data: the routes, the
 * validation rules and the queries read it, no entity is code of its own.
 */
final class Model
{
    /**
     * @param array<string, array<string, mixed>> $entities by name, in table creation order
     */
    private function __construct(
        public readonly string $idKind,
        public readonly string $database,
        public readonly string $auth,
        public readonly bool $metrics,
        public readonly array $entities,
    ) {
    }

    public static function load(string $path): self
    {
        $document = json_decode((string) file_get_contents($path), true, 64, JSON_THROW_ON_ERROR);
        $entities = [];
        foreach ($document['entities'] as $entity) {
            $entities[$entity['name']] = $entity;
        }

        return new self($document['id_kind'], $document['database'], $document['auth'], $document['metrics'], $entities);
    }

    /** @return array<string, mixed> */
    public function entity(string $name): array
    {
        return $this->entities[$name] ?? throw new RuntimeException("no entity $name in the model");
    }

    public function uuidIds(): bool
    {
        return $this->idKind === 'uuid';
    }

    /** UUIDs are 32 hexadecimal digits on the databases without a uuid type (SQLite, MySQL). */
    public function hexUuids(): bool
    {
        return $this->database !== 'postgresql';
    }
}
