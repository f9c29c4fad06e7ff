<?php

declare(strict_types=1);

namespace App\Console\Commands;

use App\Support\Settings;
use Illuminate\Console\Command;

/**
 * `php artisan settings:check`, run before the server starts: booting the application already validated the
 * environment (App\Providers\AppServiceProvider exits 1 with one line when it is not usable); this command
 * says which database the settings name, without its credentials.
 */
final class CheckSettings extends Command
{
    /** @var string */
    protected $signature = 'settings:check';

    /** @var string */
    protected $description = 'Validate the settings of the environment (DATABASE_URL, SECRET_KEY, ...)';

    public function handle(): int
    {
        $connection = config('database.connections.main');
        $this->line(sprintf('settings: ok (%s database %s)', $connection['driver'], $connection['database']));

        return self::SUCCESS;
    }
}
