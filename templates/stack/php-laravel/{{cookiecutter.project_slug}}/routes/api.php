<?php

declare(strict_types=1);

/*
 * The routes of openapi.yaml: health, metrics, authentication, and five routes per entity of the model
 * (resources/model.json), each of which names its entity in the route's defaults.
 */

use App\Http\Controllers\AuthController;
use App\Http\Controllers\HealthController;
use App\Http\Controllers\ResourceController;
use App\Support\Model;
use Illuminate\Support\Facades\Route;

Route::get('/health/live', [HealthController::class, 'live']);
Route::get('/health/ready', [HealthController::class, 'ready']);

$model = app(Model::class);
if ($model->metrics) {
    Route::get('/metrics', [HealthController::class, 'metrics']);
}

Route::prefix('api/v1')->group(static function () use ($model): void {
    Route::post('auth/register', [AuthController::class, 'register']);
    Route::post('auth/login', [AuthController::class, 'login']);
    Route::middleware('auth')->group(static function () use ($model): void {
        Route::post('auth/logout', [AuthController::class, 'logout']);
        Route::post('auth/password', [AuthController::class, 'changePassword']);
        Route::get('users/me', [AuthController::class, 'me']);
        foreach ($model->entities as $name => $entity) {
            $collection = $entity['path'];
            $item = $collection . '/{' . $entity['id_param'] . '}';
            Route::get($collection, [ResourceController::class, 'list'])->defaults('entity', $name);
            Route::post($collection, [ResourceController::class, 'create'])->defaults('entity', $name);
            Route::get($item, [ResourceController::class, 'show'])->defaults('entity', $name);
            Route::patch($item, [ResourceController::class, 'update'])->defaults('entity', $name);
            Route::delete($item, [ResourceController::class, 'destroy'])->defaults('entity', $name);
        }
    });
});
