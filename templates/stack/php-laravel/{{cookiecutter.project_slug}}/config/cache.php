<?php

declare(strict_types=1);

// The rate limiter's counters: files shared by the worker processes of one instance
// (each instance counts on its own).

return [
    'default' => 'file',
    'stores' => [
        'file' => ['driver' => 'file', 'path' => storage_path('framework/cache/data')],
        // the tests' own counters (tests/TestCase.php)
        'array' => ['driver' => 'array'],
    ],
    'prefix' => 'app',
];
