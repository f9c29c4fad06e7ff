<?php

declare(strict_types=1);

namespace App\Providers;

use App\Services\Accounts;
use App\Services\RecordStore;
use App\Support\DatabaseUrl;
use App\Support\Model;
use App\Support\Settings;
use App\Support\SettingsError;
use Illuminate\Support\ServiceProvider;

/**
 * Validates the settings when the application boots (a console command refuses to run: one line, exit 1)
 * and makes the database connection from DATABASE_URL.
 */
final class AppServiceProvider extends ServiceProvider
{
    public function register(): void
    {
        try {
            $settings = Settings::current();
            $connection = DatabaseUrl::connection($settings->databaseUrl, $this->app->basePath());
            config(['database.connections.main' => $connection]);
            if ($connection['driver'] === 'sqlite' && !file_exists($connection['database'])) {
                touch($connection['database']);  // SQLite makes the file on first use, PDO does not
            }
        } catch (SettingsError $error) {
            if (!$this->app->runningInConsole()) {
                throw $error;
            }
            fwrite(STDERR, 'error: ' . $error->getMessage() . PHP_EOL);
            exit(1);
        }
        $this->app->singleton(Settings::class, static fn () => Settings::current());
        $this->app->singleton(Model::class, fn () => Model::load(resource_path('model.json')));
        $this->app->singleton(RecordStore::class);
        $this->app->singleton(Accounts::class);
    }
}
