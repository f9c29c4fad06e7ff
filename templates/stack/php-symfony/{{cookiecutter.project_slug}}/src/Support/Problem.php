<?php

declare(strict_types=1);

namespace App\Support;

use RuntimeException;
use Symfony\Component\HttpFoundation\JsonResponse;
use Symfony\Component\HttpFoundation\Response;

/**
 * An RFC 9457 problem: thrown anywhere, rendered by App\EventSubscriber\ProblemSubscriber as application/problem+json
 * with type, title, status, detail, and `errors` (pointer or parameter, detail) for validation problems.
 * No submitted value is ever echoed back.
 */
final class Problem extends RuntimeException
{
    /** Titles where Symfony's table is older than RFC 9110's names. */
    private const TITLES = [413 => 'Content Too Large', 422 => 'Unprocessable Content'];

    /**
     * @param list<array{pointer?: string, parameter?: string, detail: string}> $errors
     * @param array<string, string> $headers
     */
    public function __construct(
        public readonly int $status,
        public readonly string $detail,
        public readonly array $errors = [],
        public readonly array $headers = [],
    ) {
        parent::__construct($detail);
    }

    /** A 422 with the problems of the request, each located by a JSON Pointer or a parameter name. */
    public static function invalid(array $errors): self
    {
        return new self(422, 'The request is not valid.', $errors);
    }

    /** A 401 (no, invalid or expired credentials). */
    public static function unauthorized(string $detail = 'Authentication required.'): self
    {
        return new self(401, $detail);
    }

    /** A 404 (no such row, or another user's). */
    public static function notFound(string $detail = 'Not found.'): self
    {
        return new self(404, $detail);
    }

    /** A 429 that says when to come back. */
    public static function tooMany(int $retryAfter, string $detail = 'Too many requests: retry later.'): self
    {
        return new self(429, $detail, [], ['Retry-After' => (string) max(1, $retryAfter)]);
    }

    public static function title(int $status): string
    {
        return self::TITLES[$status] ?? (Response::$statusTexts[$status] ?? 'Error');
    }

    /**
     * The problem+json response of a status.
     *
     * @param list<array{pointer?: string, parameter?: string, detail: string}> $errors
     * @param array<string, string> $headers
     */
    public static function response(int $status, string $detail, array $errors = [], array $headers = []): JsonResponse
    {
        $body = ['type' => 'about:blank', 'title' => self::title($status), 'status' => $status, 'detail' => $detail];
        if ($errors !== []) {
            $body['errors'] = $errors;
        }

        return new JsonResponse($body, $status, ['Content-Type' => 'application/problem+json'] + $headers);
    }

    public function toResponse(): JsonResponse
    {
        return self::response($this->status, $this->detail, $this->errors, $this->headers);
    }
}
