<?php

declare(strict_types=1);

namespace App\Http\Middleware;

use App\Support\Metrics;
use Closure;
use Illuminate\Http\Request;
use Symfony\Component\HttpFoundation\Response;

/** Counts every answered request for /metrics, by method and status class. */
final class CountRequests
{
    public function __construct(private readonly Metrics $metrics)
    {
    }

    public function handle(Request $request, Closure $next): Response
    {
        $started = microtime(true);
        $response = $next($request);
        $this->metrics->record($request->getMethod(), $response->getStatusCode(), microtime(true) - $started);

        return $response;
    }
}
