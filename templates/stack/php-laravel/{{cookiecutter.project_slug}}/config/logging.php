<?php

declare(strict_types=1);

// JSON logs, one object a line, on standard error (Monolog's JsonFormatter); the `audit` channel carries
// logins, registrations and refused accesses under its own name.

use Monolog\Formatter\JsonFormatter;
use Monolog\Handler\StreamHandler;

$json = static fn (string $name): array => [
    'driver' => 'monolog',
    'name' => $name,
    'handler' => StreamHandler::class,
    'with' => ['stream' => 'php://stderr'],
    'formatter' => JsonFormatter::class,
    'level' => strtolower((string) env('LOG_LEVEL', 'info')),
];

return [
    'default' => 'json',
    'channels' => [
        'json' => $json('app'),
        'audit' => $json('audit'),
    ],
];
