<?php

declare(strict_types=1);

namespace Tests;

use App\Kernel;
use App\Support\Settings;
use Doctrine\DBAL\Connection;
use PHPUnit\Framework\TestCase as BaseTestCase;
use Symfony\Bundle\FrameworkBundle\Console\Application;
use Symfony\Component\Console\Input\ArrayInput;
use Symfony\Component\Console\Output\BufferedOutput;
use Symfony\Component\HttpFoundation\Request;
use Tests\Support\ApiResponse;

/**
 * The application (App\Kernel in its test environment) against DATABASE_URL (required for PostgreSQL and
 * MySQL; SQLite defaults to a file under var/), migrated once per run and emptied before every test.
 * SECRET_KEY is random when not set. Each test is its own client address, so the rate limits of one test
 * do not carry over to the next.
 */
abstract class TestCase extends BaseTestCase
{
    public const PASSWORD = 'correct horse battery staple 7';

    private static bool $migrated = false;

    protected Kernel $kernel;

    private string $clientAddress;

    protected function setUp(): void
    {
        parent::setUp();
        self::defaultEnvironment('SECRET_KEY', bin2hex(random_bytes(32)));
        self::defaultEnvironment('DATABASE_URL', 'sqlite:///' . dirname(__DIR__) . '/var/test.sqlite');
        self::defaultEnvironment('COOKIE_SECURE', 'false');
        Settings::reset();
        $this->kernel = new Kernel('test', false);
        $this->kernel->boot();
        if (!self::$migrated) {
            $application = new Application($this->kernel);
            $application->setAutoExit(false);
            $output = new BufferedOutput();
            $this->assertSame(0, $application->run(new ArrayInput(['command' => 'db:migrate']), $output), $output->fetch());
            self::$migrated = true;
        }
        $this->clientAddress = sprintf('10.%d.%d.%d', random_int(0, 255), random_int(0, 255), random_int(1, 254));
        $this->emptyTables();
    }

    protected function tearDown(): void
    {
        $this->kernel->shutdown();
        parent::tearDown();
    }

    /** Delete every row, children first (the migration lists tables parents first). */
    private function emptyTables(): void
    {
        $db = $this->kernel->getContainer()->get('test.database');
        assert($db instanceof Connection);
        foreach (self::model()['unlink'] as $link) {
            $db->executeStatement(sprintf('UPDATE %s SET %s = NULL', $link['table'], $link['column']));
        }
        foreach (array_reverse(self::model()['tables']) as $table) {
            $db->executeStatement("DELETE FROM $table");
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
     * A request to the application, from this test's client address.
     *
     * @param array<string, string> $cookies
     * @param array<string, string> $server
     */
    protected function call(string $method, string $uri, array $cookies = [], array $server = [], ?string $content = null): ApiResponse
    {
        $request = Request::create($uri, $method, [], $cookies, [], ['REMOTE_ADDR' => $this->clientAddress] + $server, $content);
        $response = $this->kernel->handle($request);
        $this->kernel->terminate($request, $response);

        return new ApiResponse($response);
    }

    /** A JSON request without a session. */
    protected function json(string $method, string $uri, mixed $body = null): ApiResponse
    {
        $server = ['HTTP_ACCEPT' => 'application/json'];
        $content = null;
        if ($body !== null) {
            $content = json_encode($body, JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION);
            $server += ['CONTENT_TYPE' => 'application/json', 'HTTP_CONTENT_LENGTH' => (string) strlen($content)];
        }

        return $this->call($method, $uri, [], $server, $content);
    }

    /**
     * Register and log in a new user: the session cookie and the CSRF token.
     *
     * @return array{session: string, csrf: string, email: string}
     */
    protected function signIn(?string $email = null, string $password = self::PASSWORD): array
    {
        $email ??= 'user-' . bin2hex(random_bytes(6)) . '@example.com';
        $this->json('POST', '/api/v1/auth/register', ['email' => $email, 'password' => $password])->assertStatus(201);
        $login = $this->json('POST', '/api/v1/auth/login', ['email' => $email, 'password' => $password])->assertStatus(200);

        return ['session' => (string) $login->getCookie('session')?->getValue(), 'csrf' => (string) $login->json('csrf_token'), 'email' => $email];
    }

    /**
     * A request as the signed-in user (cookie, and the CSRF header unless `$csrf` is false).
     *
     * @param array{session: string, csrf: string, email: string} $user
     */
    protected function as(array $user, string $method, string $uri, mixed $body = null, bool $csrf = true): ApiResponse
    {
        $server = ['HTTP_ACCEPT' => 'application/json'];
        if ($csrf) {
            $server['HTTP_X_CSRF_TOKEN'] = $user['csrf'];
        }
        $content = null;
        if ($body !== null) {
            $content = is_string($body) ? $body : json_encode($body, JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION);
            $server += ['CONTENT_TYPE' => 'application/json', 'HTTP_CONTENT_LENGTH' => (string) strlen($content)];
        }

        return $this->call($method, $uri, ['session' => $user['session']], $server, $content);
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
