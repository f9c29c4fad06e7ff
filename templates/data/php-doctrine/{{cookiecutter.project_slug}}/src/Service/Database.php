<?php

declare(strict_types=1);

namespace App\Service;

use App\Support\DatabaseUrl;
use App\Support\Settings;
use Doctrine\DBAL\Configuration;
use Doctrine\DBAL\Connection;
use Doctrine\DBAL\Driver\AbstractSQLiteDriver\Middleware\EnableForeignKeys;
use Doctrine\DBAL\DriverManager;

/**
 * The Doctrine DBAL connection of DATABASE_URL (it connects on the first query). SQLite enforces foreign keys
 * only when asked, on every connection; its file is made on first use.
 */
final class Database
{
    public static function connect(Settings $settings, string $projectDirectory): Connection
    {
        $parameters = DatabaseUrl::parameters($settings->databaseUrl, $projectDirectory);
        $configuration = new Configuration();
        if ($parameters['driver'] === 'pdo_sqlite') {
            $configuration->setMiddlewares([new EnableForeignKeys()]);
        }

        return DriverManager::getConnection($parameters, $configuration);
    }
}
