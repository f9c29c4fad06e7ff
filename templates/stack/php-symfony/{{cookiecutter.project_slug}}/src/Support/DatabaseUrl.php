<?php

declare(strict_types=1);

namespace App\Support;

/**
 * DATABASE_URL (postgresql://, mysql://, sqlite:///path) as Doctrine DBAL connection parameters.
 */
final class DatabaseUrl
{
    private const DRIVERS = ['postgresql' => 'pdo_pgsql', 'postgres' => 'pdo_pgsql', 'mysql' => 'pdo_mysql', 'mariadb' => 'pdo_mysql'];

    /**
     * The parameters of DriverManager::getConnection() for a URL (relative SQLite paths are under `$basePath`).
     *
     * @return array<string, mixed>
     */
    public static function parameters(string $url, string $basePath): array
    {
        if (str_starts_with($url, 'sqlite:///')) {
            $path = substr($url, strlen('sqlite:///'));
            $absolute = str_starts_with($path, '/') ? $path : $basePath . '/' . ltrim($path, './');

            return ['driver' => 'pdo_sqlite', 'path' => $absolute];
        }
        $parts = parse_url($url);
        $scheme = is_array($parts) ? strtolower(explode('+', $parts['scheme'] ?? '', 2)[0]) : '';
        if (!isset(self::DRIVERS[$scheme]) || !isset($parts['host'])) {
            throw new SettingsError('DATABASE_URL must be postgresql://, mysql:// or sqlite:/// followed by its location');
        }
        $driver = self::DRIVERS[$scheme];
        $parameters = [
            'driver' => $driver,
            'host' => $parts['host'],
            'port' => $parts['port'] ?? ($driver === 'pdo_pgsql' ? 5432 : 3306),
            'dbname' => ltrim(rawurldecode($parts['path'] ?? ''), '/'),
            'user' => rawurldecode($parts['user'] ?? ''),
            'password' => rawurldecode($parts['pass'] ?? ''),
        ];
        if ($driver === 'pdo_mysql') {
            // strict SQL (no silent truncation) and binary comparisons, as the unique indexes compare
            $init = "SET NAMES utf8mb4 COLLATE utf8mb4_bin, SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
                . "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', time_zone = '+00:00'";

            return $parameters + ['charset' => 'utf8mb4', 'driverOptions' => [\PDO::MYSQL_ATTR_INIT_COMMAND => $init]];
        }

        return $parameters + ['charset' => 'utf8'];
    }

    /** A short description of the database the URL names, without its credentials. */
    public static function describe(array $parameters): string
    {
        return $parameters['driver'] === 'pdo_sqlite'
            ? 'sqlite database ' . $parameters['path']
            : sprintf('%s database %s on %s', $parameters['driver'], $parameters['dbname'], $parameters['host']);
    }
}
