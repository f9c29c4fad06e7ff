<?php

declare(strict_types=1);

namespace Tests;

use Illuminate\Contracts\Console\Kernel;
use Illuminate\Foundation\Application;
use Illuminate\Foundation\Testing\TestCase as BaseTestCase;
use Illuminate\Support\Facades\Artisan;
use Illuminate\Support\Facades\DB;
use Illuminate\Testing\TestResponse;

/**
 * The application against DATABASE_URL (required for PostgreSQL and MySQL; SQLite defaults to a file under
 * storage/), migrated once per run and emptied before every test. SECRET_KEY is random when not set.
 */
abstract class TestCase extends BaseTestCase
{
    public const PASSWORD = 'correct horse battery staple 7';

    private static bool $migrated = false;

    public function createApplication(): Application
    {
        self::defaultEnvironment('SECRET_KEY', bin2hex(random_bytes(32)));
        self::defaultEnvironment('DATABASE_URL', 'sqlite:///' . dirname(__DIR__) . '/storage/test.sqlite');
        self::defaultEnvironment('COOKIE_SECURE', 'false');
        \App\Support\Settings::reset();
        $app = require __DIR__ . '/../bootstrap/app.php';
        $app->make(Kernel::class)->bootstrap();
        config(['cache.default' => 'array']);

        return $app;
    }

    protected function setUp(): void
    {
        parent::setUp();
        if (!self::$migrated) {
            Artisan::call('migrate', ['--force' => true]);
            self::$migrated = true;
        }
        $this->emptyTables();
    }

    /** Delete every row, children first (the migration lists tables parents first). */
    private function emptyTables(): void
    {
        $tables = array_reverse(self::model()['tables']);
        foreach (self::model()['unlink'] as $link) {
            DB::table($link['table'])->update([$link['column'] => null]);
        }
        foreach ($tables as $table) {
            DB::table($table)->delete();
        }
    }

    /** @return array<string, mixed> the test model (tests/model.json) with the tables to empty */
    protected static function model(): array
    {
        static $model = null;
        if ($model === null) {
            $model = json_decode((string) file_get_contents(__DIR__ . '/model.json'), true, 512, JSON_THROW_ON_ERROR);
            $entities = json_decode((string) file_get_contents(__DIR__ . '/../resources/model.json'), true, 512, JSON_THROW_ON_ERROR);
            $tables = ['users', 'auth_sessions'];
            foreach ($entities['entities'] as $entity) {
                $tables[] = $entity['table'];
                foreach ($entity['links'] as $link) {
                    $tables[] = $link['table'];
                }
            }
            $model['tables'] = $tables;
        }

        return $model;
    }

    /** A long text of the model ({"prefix", "length"}) as the text it stands for. */
    protected static function expanded(mixed $value): mixed
    {
        if (is_array($value) && isset($value['prefix'], $value['length']) && count($value) === 2) {
            return $value['prefix'] . str_repeat('x', $value['length'] - strlen($value['prefix']));
        }

        return $value;
    }

    /**
     * Register and log in a new user: the session cookie and the CSRF token.
     *
     * @return array{session: string, csrf: string, email: string}
     */
    protected function signIn(?string $email = null, string $password = self::PASSWORD): array
    {
        $email ??= 'user-' . bin2hex(random_bytes(6)) . '@example.com';
        $this->postJson('/api/v1/auth/register', ['email' => $email, 'password' => $password])->assertStatus(201);
        $login = $this->postJson('/api/v1/auth/login', ['email' => $email, 'password' => $password])->assertStatus(200);

        return ['session' => (string) $login->getCookie('session', false)?->getValue(), 'csrf' => (string) $login->json('csrf_token'), 'email' => $email];
    }

    /**
     * A request as the signed-in user (cookie, and the CSRF header unless `$csrf` is false).
     *
     * @param array{session: string, csrf: string, email: string} $user
     */
    protected function as(array $user, string $method, string $uri, mixed $body = null, bool $csrf = true): TestResponse
    {
        $server = ['HTTP_ACCEPT' => 'application/json'];
        if ($csrf) {
            $server['HTTP_X_CSRF_TOKEN'] = $user['csrf'];
        }
        $content = null;
        if ($body !== null) {
            $content = is_string($body) ? $body : json_encode($body, JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION);
            $server['CONTENT_TYPE'] = 'application/json';
            $server['CONTENT_LENGTH'] = (string) strlen($content);
        }

        return $this->call($method, $uri, [], ['session' => $user['session']], [], $server, $content);
    }

    private static function defaultEnvironment(string $name, string $value): void
    {
        if (getenv($name) === false || getenv($name) === '') {
            putenv("$name=$value");
            $_ENV[$name] = $value;
            $_SERVER[$name] = $value;
        }
    }
}
