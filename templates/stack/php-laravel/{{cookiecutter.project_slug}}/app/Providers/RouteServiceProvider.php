<?php

declare(strict_types=1);

namespace App\Providers;

use Illuminate\Foundation\Support\Providers\RouteServiceProvider as ServiceProvider;
use Illuminate\Support\Facades\Route;

/** Loads routes/api.php (the whole API: health, metrics, auth, and the CRUD routes of the model). */
final class RouteServiceProvider extends ServiceProvider
{
    public function boot(): void
    {
        $this->routes(static function (): void {
            Route::group([], base_path('routes/api.php'));
        });
    }
}
