<?php

declare(strict_types=1);

namespace Tests\Feature;

use Tests\TestCase;

/**
 * The five operations of every entity of the model (tests/model.json): validation, ownership, uniqueness,
 * pagination, sort and filters, with the sample and invalid values the conformance suite uses too.
 */
final class ResourceTest extends TestCase
{
    /** @var array{session: string, csrf: string, email: string} */
    private array $user;

    /** @var array<string, int> next sample index of the parents made for required relations */
    private array $parentSample = [];

    protected function setUp(): void
    {
        parent::setUp();
        $this->user = $this->signIn();
    }

    /** @return iterable<string, array{string}> */
    public static function entities(): iterable
    {
        foreach (self::model()['entities'] as $entity) {
            yield $entity['name'] => [$entity['name']];
        }
    }

    /** @dataProvider entities */
    public function testCreateReadUpdateDelete(string $name): void
    {
        $entity = $this->entity($name);
        $body = $this->body($entity, 0);
        $created = $this->as($this->user, 'POST', $entity['url'], $body)->assertStatus(201);
        $row = $created->json();
        foreach ($body as $key => $value) {
            $this->assertEquals($value, $row[$key], $key);
        }
        $created->assertHeader('Location', $entity['url'] . '/' . $row['id']);
        $this->assertSame($row, $this->as($this->user, 'GET', $entity['url'] . '/' . $row['id'])->assertStatus(200)->json());
        $field = $entity['fields'][0];
        $changed = self::expanded($field['changed']);
        $updated = $this->as($this->user, 'PATCH', $entity['url'] . '/' . $row['id'], [$field['name'] => $changed])->assertStatus(200);
        $this->assertEquals($changed, $updated->json($field['name']));
        $this->as($this->user, 'DELETE', $entity['url'] . '/' . $row['id'])->assertStatus(204);
        $this->as($this->user, 'GET', $entity['url'] . '/' . $row['id'])->assertStatus(404);
    }

    /** @dataProvider entities */
    public function testOtherUsersRowsAre404(string $name): void
    {
        $entity = $this->entity($name);
        $row = $this->create($entity, 0);
        $other = $this->signIn();
        $url = $entity['url'] . '/' . $row['id'];
        $this->as($other, 'GET', $url)->assertStatus(404);
        $this->as($other, 'DELETE', $url)->assertStatus(404);
        $this->assertSame([], $this->as($other, 'GET', $entity['url'])->json('items'));
        $this->as($this->user, 'GET', $url)->assertStatus(200);
    }

    /** @dataProvider entities */
    public function testInvalidValuesAndUnknownMembersAre422(string $name): void
    {
        $entity = $this->entity($name);
        $valid = $this->body($entity, 1);
        foreach ($entity['fields'] as $field) {
            foreach ($field['invalid'] as $value) {
                $response = $this->as($this->user, 'POST', $entity['url'], [$field['name'] => self::expanded($value)] + $valid);
                $response->assertStatus(422);
                $this->assertContains('#/' . $field['name'], array_column($response->json('errors'), 'pointer'));
            }
        }
        $this->as($this->user, 'POST', $entity['url'], $valid + ['no_such_field' => 1])->assertStatus(422);
        $this->as($this->user, 'GET', $entity['url'] . '/not-an-id')->assertStatus(422);
    }

    /** @dataProvider entities */
    public function testUniqueFieldsConflictWith409(string $name): void
    {
        $entity = $this->entity($name);
        $unique = array_filter($entity['fields'], static fn (array $field) => $field['unique']);
        $row = $this->create($entity, 0);
        foreach ($unique as $field) {
            $this->as($this->user, 'POST', $entity['url'], [$field['name'] => $row[$field['name']]] + $this->body($entity, 1))->assertStatus(409);
        }
        $this->assertCount(1, $this->as($this->user, 'GET', $entity['url'])->json('items'));
    }

    /** @dataProvider entities */
    public function testListIsPaginatedAndSorted(string $name): void
    {
        $entity = $this->entity($name);
        $rows = [$this->create($entity, 0), $this->create($entity, 1), $this->create($entity, 2)];
        $ids = array_column($rows, 'id');
        sort($ids);
        $page = $this->as($this->user, 'GET', $entity['url'] . '?limit=2&offset=0&sort=id')->assertStatus(200);
        $this->assertSame([3, 2, 0], [$page->json('total'), $page->json('limit'), $page->json('offset')]);
        $this->assertSame(array_slice($ids, 0, 2), array_column($page->json('items'), 'id'));
        $this->assertSame(array_reverse($ids), array_column($this->as($this->user, 'GET', $entity['url'] . '?sort=-id')->json('items'), 'id'));
        foreach ($entity['sorts'] as $sort) {
            $this->as($this->user, 'GET', $entity['url'] . '?sort=' . urlencode($sort))->assertStatus(200);
        }
        foreach (['limit=0', 'limit=101', 'offset=-1', 'limit=x', 'sort=no_such_field'] as $query) {
            $this->as($this->user, 'GET', $entity['url'] . '?' . $query)->assertStatus(422);
        }
    }

    /** @dataProvider entities */
    public function testEqualityFilters(string $name): void
    {
        $entity = $this->entity($name);
        $rows = [$this->create($entity, 0), $this->create($entity, 1)];
        $fields = array_column($entity['fields'], null, 'name');
        foreach (array_intersect($entity['filters'], array_keys($fields)) as $filter) {
            $value = $rows[0][$filter];
            $text = is_bool($value) ? ($value ? 'true' : 'false') : (string) $value;
            $found = $this->as($this->user, 'GET', $entity['url'] . '?' . http_build_query([$filter => $text]))->assertStatus(200);
            $this->assertSame([$rows[0]['id']], array_column($found->json('items'), 'id'), $filter);
        }
    }

    /** @dataProvider entities */
    public function testWritesNeedASession(string $name): void
    {
        $entity = $this->entity($name);
        $this->json('POST', $entity['url'], $this->body($entity, 1))->assertStatus(401);
        $this->json('GET', $entity['url'])->assertStatus(401);
    }

    /** @return array<string, mixed> */
    private function entity(string $name): array
    {
        foreach (self::model()['entities'] as $entity) {
            if ($entity['name'] === $name) {
                return $entity;
            }
        }
        $this->fail("no entity $name in tests/model.json");
    }

    /**
     * A valid body: the i-th sample of every field, and new parents for the required relations.
     *
     * @param array<string, mixed> $entity
     * @return array<string, mixed>
     */
    private function body(array $entity, int $i): array
    {
        $body = [];
        foreach ($entity['fields'] as $field) {
            $body[$field['name']] = self::expanded($field['samples'][$i]);
        }
        foreach ($entity['many_to_one'] as $relation) {
            if ($relation['required']) {
                $this->parentSample[$relation['target']] ??= 4;
                $body[$relation['column']] = $this->create($this->entity($relation['target']), $this->parentSample[$relation['target']]++)['id'];
            }
        }

        return $body;
    }

    /**
     * @param array<string, mixed> $entity
     * @return array<string, mixed>
     */
    private function create(array $entity, int $i): array
    {
        return $this->as($this->user, 'POST', $entity['url'], $this->body($entity, $i))->assertStatus(201)->json();
    }
}
