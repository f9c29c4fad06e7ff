<?php

declare(strict_types=1);

namespace App\Support;

use JsonException;
use stdClass;
use Symfony\Component\HttpFoundation\Request;

/**
 * The JSON object of a request body: 400 when the body is not JSON, 422 when it is JSON but not an object.
 * Objects nested in it stay objects (stdClass), so that a json field keeps {} apart from [].
 */
final class JsonBody
{
    /** @return array<string, mixed> */
    public static function of(Request $request): array
    {
        $type = strtolower((string) $request->headers->get('Content-Type'));
        if (!preg_match('#^application/([a-z0-9.+-]*\+)?json\s*(;|$)#', $type)) {
            throw new Problem(400, 'The body must be JSON (Content-Type: application/json).');
        }
        try {
            $decoded = json_decode($request->getContent(), false, 64, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
        } catch (JsonException) {
            throw new Problem(400, 'The body is not valid JSON.');
        }
        if (!$decoded instanceof stdClass) {
            throw Problem::invalid([['pointer' => '#', 'detail' => 'must be a JSON object']]);
        }

        return get_object_vars($decoded);
    }
}
