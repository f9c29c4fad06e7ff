<?php

declare(strict_types=1);

/*
 * The application container, with Laravel's classic structure: an HTTP kernel, a console kernel and an
 * exception handler of the application's own (app/Http/Kernel.php, app/Console/Kernel.php,
 * app/Exceptions/Handler.php), the structure current Laravel still boots for applications that keep it.
 */

$app = new Illuminate\Foundation\Application(dirname(__DIR__));

$app->singleton(Illuminate\Contracts\Http\Kernel::class, App\Http\Kernel::class);
$app->singleton(Illuminate\Contracts\Console\Kernel::class, App\Console\Kernel::class);
$app->singleton(Illuminate\Contracts\Debug\ExceptionHandler::class, App\Exceptions\Handler::class);

return $app;
