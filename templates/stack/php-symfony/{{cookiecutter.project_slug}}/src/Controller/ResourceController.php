<?php

declare(strict_types=1);

namespace App\Controller;

use App\Service\RecordStore;
use App\Service\RecordValidator;
use App\Support\JsonBody;
use App\Support\Model;
use App\Support\Problem;
use Symfony\Component\HttpFoundation\JsonResponse;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;

/**
 * The five operations of every entity (list, create, get, update, delete); the route names the entity
 * (App\Kernel::configureRoutes), the signed-in user owns every row it touches.
 */
final class ResourceController
{
    public function __construct(
        private readonly Model $model,
        private readonly RecordStore $store,
        private readonly RecordValidator $validator,
    ) {
    }

    public function list(Request $request): JsonResponse
    {
        $spec = $this->entity($request);
        $errors = [];
        $limit = $this->integerParameter($request, 'limit', 20, 1, 100, $errors);
        $offset = $this->integerParameter($request, 'offset', 0, 0, 2147483647, $errors);
        $sort = self::query($request, 'sort') ?? 'id';
        if (!is_string($sort) || !in_array(str_starts_with($sort, '-') ? substr($sort, 1) : $sort, $spec['sorts'], true)) {
            $errors[] = ['parameter' => 'sort', 'detail' => 'must be one of ' . implode(', ', $spec['sorts']) . ' (- before for descending)'];
        }
        $filters = $this->filters($request, $spec, $errors);
        if ($errors !== []) {
            throw Problem::invalid($errors);
        }
        $page = $this->store->page($spec, $this->owner($request), $limit, $offset, $sort, $filters);

        return new JsonResponse(['items' => $page['items'], 'total' => $page['total'], 'limit' => $limit, 'offset' => $offset]);
    }

    public function create(Request $request): JsonResponse
    {
        $spec = $this->entity($request);
        $row = $this->store->create($spec, $this->owner($request), $this->validator->validated($spec, JsonBody::of($request), true));

        return new JsonResponse($row, 201, ['Location' => '/api/v1/' . $spec['path'] . '/' . $row['id']]);
    }

    public function show(Request $request): JsonResponse
    {
        $spec = $this->entity($request);
        $row = $this->store->find($spec, $this->owner($request), $this->id($request, $spec));

        return new JsonResponse($row ?? throw Problem::notFound());
    }

    public function update(Request $request): JsonResponse
    {
        $spec = $this->entity($request);
        $id = $this->id($request, $spec);
        $body = $this->validator->validated($spec, JsonBody::of($request), false);

        return new JsonResponse($this->store->update($spec, $this->owner($request), $id, $body));
    }

    public function destroy(Request $request): Response
    {
        $spec = $this->entity($request);
        $this->store->delete($spec, $this->owner($request), $this->id($request, $spec));

        return new Response('', 204);
    }

    /**
     * The entity a route serves (its `entity` default, App\Kernel::configureRoutes).
     *
     * @return array<string, mixed>
     */
    private function entity(Request $request): array
    {
        return $this->model->entity((string) $request->attributes->get('entity'));
    }

    private function owner(Request $request): int
    {
        return (int) $request->attributes->get('user_id');
    }

    /** @param array<string, mixed> $spec */
    private function id(Request $request, array $spec): string
    {
        return $this->validator->id($spec['id_param'], $request->attributes->get($spec['id_param']));
    }

    /** @param list<array<string, string>> $errors */
    private function integerParameter(Request $request, string $name, int $fallback, int $low, int $high, array &$errors): int
    {
        $value = self::query($request, $name);
        if ($value === null) {
            return $fallback;
        }
        $number = is_string($value) && is_numeric($value) ? $value + 0 : null;
        if (!RecordValidator::isInteger($number) || $number < $low || $number > $high) {
            $errors[] = ['parameter' => $name, 'detail' => sprintf('must be an integer from %d to %d', $low, $high)];

            return $fallback;
        }

        return (int) $number;
    }

    /**
     * The equality filters of the query, as API values by column.
     *
     * @param array<string, mixed> $spec
     * @param list<array<string, string>> $errors
     * @return array<string, mixed>
     */
    private function filters(Request $request, array $spec, array &$errors): array
    {
        $fields = array_column($spec['fields'], null, 'name');
        $out = [];
        foreach ($spec['filters'] as $name) {
            $text = self::query($request, $name);
            if ($text === null) {
                continue;
            }
            $field = $fields[$name] ?? null;
            $value = is_string($text) ? self::typed($field, $text) : null;
            $problem = match (true) {
                !is_string($text) => 'must be a single value',
                $field === null => $this->validator->isId($text) ? null : 'is not a valid id',
                default => RecordValidator::fits($field, $value),
            };
            if ($problem !== null) {
                $errors[] = ['parameter' => $name, 'detail' => $problem];
                continue;
            }
            $out[$name] = $value;
        }

        return $out;
    }

    /** A query parameter as sent: a string, an array (name[]=...), or null when absent. */
    private static function query(Request $request, string $name): mixed
    {
        return $request->query->all()[$name] ?? null;
    }

    /** A query parameter's text as the JSON value of a field's type (integers and booleans are not text). */
    private static function typed(?array $field, string $text): mixed
    {
        return match ($field['type'] ?? null) {
            'integer' => preg_match('/^-?\d{1,18}$/D', $text) ? (int) $text : $text,
            'boolean' => ['true' => true, 'false' => false][$text] ?? $text,
            default => $text,
        };
    }
}
