<?php

declare(strict_types=1);

namespace App\Support;

use Illuminate\Contracts\Cache\Repository;

/**
 * Request counters in the Prometheus text format. PHP keeps nothing between requests, so the counters live in
 * the cache store (config/cache.php: files shared by the workers of one instance); a fixed set of series
 * (method x status class) keeps them bounded whatever clients send.
 */
final class Metrics
{
    private const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OTHER'];
    private const CLASSES = ['2xx', '3xx', '4xx', '5xx'];

    public function __construct(private readonly Repository $cache)
    {
    }

    public function record(string $method, int $status, float $seconds): void
    {
        $method = in_array($method, self::METHODS, true) ? $method : 'OTHER';
        $class = intdiv(max(200, min(599, $status)), 100) . 'xx';
        $this->add("requests:$method:$class", 1);
        $this->add('duration_us', (int) round($seconds * 1e6));
    }

    /** The exposition text of GET /metrics. */
    public function render(): string
    {
        $lines = [
            '# HELP http_requests_total HTTP requests answered, by method and status class.',
            '# TYPE http_requests_total counter',
        ];
        foreach (self::METHODS as $method) {
            foreach (self::CLASSES as $class) {
                $count = (int) $this->cache->get("metrics:requests:$method:$class", 0);
                $lines[] = sprintf('http_requests_total{method="%s",status="%s"} %d', $method, $class, $count);
            }
        }
        $lines[] = '# HELP http_request_duration_seconds_sum Time spent answering HTTP requests.';
        $lines[] = '# TYPE http_request_duration_seconds_sum counter';
        $lines[] = sprintf('http_request_duration_seconds_sum %.6f', (int) $this->cache->get('metrics:duration_us', 0) / 1e6);

        return implode("\n", $lines) . "\n";
    }

    private function add(string $key, int $amount): void
    {
        if (!$this->cache->add("metrics:$key", $amount)) {
            $this->cache->increment("metrics:$key", $amount);
        }
    }
}
