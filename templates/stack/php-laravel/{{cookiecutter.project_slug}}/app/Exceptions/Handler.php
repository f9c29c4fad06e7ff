<?php

declare(strict_types=1);

namespace App\Exceptions;

use App\Support\Problem;
use Illuminate\Foundation\Exceptions\Handler as ExceptionHandler;
use Symfony\Component\HttpKernel\Exception\HttpExceptionInterface;
use Throwable;

/**
 * Every error as RFC 9457 problem details (application/problem+json). Unexpected errors are logged as JSON
 * and answered with a bare 500: no stack trace or message leaves the server.
 */
final class Handler extends ExceptionHandler
{
    /** @var list<class-string<Throwable>> */
    protected $dontReport = [Problem::class];

    /** @var list<string> */
    protected $dontFlash = ['password', 'current_password', 'new_password'];

    public function register(): void
    {
        $this->renderable(static fn (Problem $problem) => $problem->toResponse());
        $this->renderable(static function (HttpExceptionInterface $error) {
            $status = $error->getStatusCode();
            $headers = array_map('strval', array_filter($error->getHeaders(), 'is_scalar'));

            return Problem::response($status, Problem::title($status) . '.', [], $headers);
        });
        $this->renderable(static fn (Throwable $error) => Problem::response(500, 'The server could not answer this request.'));
    }
}
