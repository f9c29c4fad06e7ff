<?php

declare(strict_types=1);

namespace App\Support;

/**
 * DATABASE_URL (postgresql://, mysql://, sqlite:///path) as a Laravel database connection.
 */
final class DatabaseUrl
{
    private const DRIVERS = ['postgresql' => 'pgsql', 'postgres' => 'pgsql', 'mysql' => 'mysql', 'mariadb' => 'mysql'];

    /**
     * The connection array of config/database.php for a URL.
     *
     * @return array<string, mixed>
     */
    public static function connection(string $url, string $basePath): array
    {
        if (str_starts_with($url, 'sqlite:///')) {
            $path = substr($url, strlen('sqlite:///'));
            $absolute = str_starts_with($path, '/') ? $path : $basePath . '/' . ltrim($path, './');

            return ['driver' => 'sqlite', 'database' => $absolute, 'prefix' => '', 'foreign_key_constraints' => true];
        }
        $parts = parse_url($url);
        $scheme = is_array($parts) ? strtolower(explode('+', $parts['scheme'] ?? '', 2)[0]) : '';
        if (!isset(self::DRIVERS[$scheme]) || !isset($parts['host'])) {
            throw new SettingsError('DATABASE_URL must be postgresql://, mysql:// or sqlite:/// followed by its location');
        }
        $driver = self::DRIVERS[$scheme];
        $connection = [
            'driver' => $driver,
            'host' => $parts['host'],
            'port' => $parts['port'] ?? ($driver === 'pgsql' ? 5432 : 3306),
            'database' => ltrim(rawurldecode($parts['path'] ?? ''), '/'),
            'username' => rawurldecode($parts['user'] ?? ''),
            'password' => rawurldecode($parts['pass'] ?? ''),
            'prefix' => '',
        ];
        if ($driver === 'mysql') {
            return $connection + ['charset' => 'utf8mb4', 'collation' => 'utf8mb4_bin', 'strict' => true];
        }

        return $connection + ['charset' => 'utf8', 'schema' => 'public', 'sslmode' => 'prefer'];
    }
}
