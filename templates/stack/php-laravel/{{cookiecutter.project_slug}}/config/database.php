<?php

declare(strict_types=1);

// The one connection, `main`, is made from DATABASE_URL once the settings are validated
// (App\Providers\AppServiceProvider::register).

return [
    'default' => 'main',
    'connections' => [],
    'migrations' => 'migrations',
];
