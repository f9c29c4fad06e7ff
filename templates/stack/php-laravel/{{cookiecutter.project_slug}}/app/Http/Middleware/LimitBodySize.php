<?php

declare(strict_types=1);

namespace App\Http\Middleware;

use App\Support\Problem;
use App\Support\Settings;
use Closure;
use Illuminate\Http\Request;
use Symfony\Component\HttpFoundation\Response;

/**
 * 413 for a body over MAX_REQUEST_BODY_BYTES (1 MiB), before anything parses it: by its Content-Length, and,
 * for a chunked body, by reading at most one byte past the limit from the input stream.
 */
final class LimitBodySize
{
    public function __construct(private readonly Settings $settings)
    {
    }

    public function handle(Request $request, Closure $next): Response
    {
        $limit = $this->settings->maxBodyBytes;
        $declared = $request->headers->get('Content-Length');
        if ($declared !== null && (!ctype_digit($declared) || strlen($declared) > 18 || (int) $declared > $limit)) {
            throw new Problem(413, sprintf('The request body is larger than %d bytes.', $limit));
        }
        if ($declared === null && $this->streamLength($limit + 1) > $limit) {
            throw new Problem(413, sprintf('The request body is larger than %d bytes.', $limit));
        }

        return $next($request);
    }

    /** How many bytes the body has, counting no further than `$most`. */
    private function streamLength(int $most): int
    {
        $stream = fopen('php://input', 'rb');
        if ($stream === false) {
            return 0;
        }
        $read = 0;
        while ($read < $most && !feof($stream)) {
            $chunk = fread($stream, min(65536, $most - $read));
            if ($chunk === false || $chunk === '') {
                break;
            }
            $read += strlen($chunk);
        }
        fclose($stream);

        return $read;
    }
}
