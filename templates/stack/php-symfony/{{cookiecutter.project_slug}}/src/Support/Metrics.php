<?php

declare(strict_types=1);

namespace App\Support;

/**
 * Request counters in the Prometheus text format. PHP keeps nothing between requests, so the counters live in
 * one JSON file under var/ that the worker processes of an instance update under an exclusive lock; a fixed
 * set of series (method x status class) keeps them bounded whatever clients send.
 */
final class Metrics
{
    private const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OTHER'];
    private const CLASSES = ['2xx', '3xx', '4xx', '5xx'];

    public function __construct(private readonly string $path)
    {
    }

    public function record(string $method, int $status, float $seconds): void
    {
        $method = in_array($method, self::METHODS, true) ? $method : 'OTHER';
        $class = intdiv(max(200, min(599, $status)), 100) . 'xx';
        $this->update(static function (array $counters) use ($method, $class, $seconds): array {
            $counters["requests:$method:$class"] = ($counters["requests:$method:$class"] ?? 0) + 1;
            $counters['duration_us'] = ($counters['duration_us'] ?? 0) + (int) round($seconds * 1e6);

            return $counters;
        });
    }

    /** The exposition text of GET /metrics. */
    public function render(): string
    {
        $counters = $this->update(static fn (array $counters): array => $counters);
        $lines = [
            '# HELP http_requests_total HTTP requests answered, by method and status class.',
            '# TYPE http_requests_total counter',
        ];
        foreach (self::METHODS as $method) {
            foreach (self::CLASSES as $class) {
                $count = (int) ($counters["requests:$method:$class"] ?? 0);
                $lines[] = sprintf('http_requests_total{method="%s",status="%s"} %d', $method, $class, $count);
            }
        }
        $lines[] = '# HELP http_request_duration_seconds_sum Time spent answering HTTP requests.';
        $lines[] = '# TYPE http_request_duration_seconds_sum counter';
        $lines[] = sprintf('http_request_duration_seconds_sum %.6f', (int) ($counters['duration_us'] ?? 0) / 1e6);

        return implode("\n", $lines) . "\n";
    }

    /**
     * Read, change and write the counters under the file's exclusive lock; the counters after the change.
     *
     * @param callable(array<string, int>): array<string, int> $change
     * @return array<string, int>
     */
    private function update(callable $change): array
    {
        $handle = fopen($this->path, 'c+');
        if ($handle === false || !flock($handle, LOCK_EX)) {
            return [];
        }
        try {
            $stored = json_decode((string) stream_get_contents($handle), true);
            $before = is_array($stored) ? $stored : [];
            $after = $change($before);
            if ($after !== $before) {
                ftruncate($handle, 0);
                rewind($handle);
                fwrite($handle, (string) json_encode($after));
            }

            return $after;
        } finally {
            flock($handle, LOCK_UN);
            fclose($handle);
        }
    }
}
