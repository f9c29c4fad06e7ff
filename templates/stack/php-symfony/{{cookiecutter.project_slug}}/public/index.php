<?php

declare(strict_types=1);

// The HTTP entry point: every request goes through App\Kernel (production mode: its container is compiled
// once into var/cache/prod and reused).

use App\Kernel;
use Symfony\Component\HttpFoundation\Request;

require dirname(__DIR__) . '/vendor/autoload.php';

$kernel = new Kernel('prod', false);
$request = Request::createFromGlobals();
$response = $kernel->handle($request);
$response->send();
$kernel->terminate($request, $response);
