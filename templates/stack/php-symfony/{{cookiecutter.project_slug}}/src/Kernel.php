<?php

declare(strict_types=1);

namespace App;

use App\Controller\AuthController;
use App\Controller\HealthController;
use App\Controller\ResourceController;
use App\Service\Database;
use App\Support\Logging;
use App\Support\Metrics;
use App\Support\Model;
use App\Support\Settings;
use Doctrine\DBAL\Connection;
use Psr\Log\LoggerInterface;
use Symfony\Bundle\FrameworkBundle\FrameworkBundle;
use Symfony\Bundle\FrameworkBundle\Kernel\MicroKernelTrait;
use Symfony\Component\DependencyInjection\Loader\Configurator\ContainerConfigurator;
use Symfony\Component\HttpKernel\Kernel as BaseKernel;
use Symfony\Component\Routing\Loader\Configurator\RoutingConfigurator;

use function Symfony\Component\DependencyInjection\Loader\Configurator\service;

/**
 * The application: FrameworkBundle alone, configured here (services autowired from src/), and the routes of
 * openapi.yaml made from the domain model (resources/model.json): each entity's five routes name it in
 * their defaults, routes that need a signed-in user carry `_auth`.
 */
final class Kernel extends BaseKernel
{
    use MicroKernelTrait;

    public function registerBundles(): iterable
    {
        yield new FrameworkBundle();
    }

    private function configureContainer(ContainerConfigurator $container): void
    {
        $container->extension('framework', [
            'secret' => '%env(SECRET_KEY)%',
            'http_method_override' => false,
            'php_errors' => ['log' => true],
            'router' => ['utf8' => true],
        ]);
        $services = $container->services()->defaults()->autowire()->autoconfigure()
            ->bind('string $projectDirectory', '%kernel.project_dir%')
            ->bind('string $cacheDirectory', '%kernel.project_dir%/var/rate-limiter')
            ->bind('string $migrationsDirectory', '%kernel.project_dir%/migrations')
            ->bind(LoggerInterface::class . ' $auditLogger', service('app.audit_logger'));
        $services->load('App\\', __DIR__ . '/')->exclude([__DIR__ . '/Kernel.php', __DIR__ . '/Support/']);
        $services->load('App\\Controller\\', __DIR__ . '/Controller/')->public()->tag('controller.service_arguments');
        $services->set(Settings::class)->factory([Settings::class, 'current']);
        $services->set(Model::class)->factory([Model::class, 'load'])->args(['%kernel.project_dir%/resources/model.json']);
        $services->set(Metrics::class)->args(['%kernel.project_dir%/var/metrics.json']);
        $services->set(Connection::class)->factory([Database::class, 'connect']);
        $services->set('logger', LoggerInterface::class)->factory([Logging::class, 'logger'])->args([service(Settings::class), 'app']);
        $services->alias(LoggerInterface::class, 'logger');
        if ($this->environment === 'test') {
            $services->alias('test.database', Connection::class)->public();  // tests/TestCase.php empties the tables
        }
        $services->set('app.audit_logger', LoggerInterface::class)->factory([Logging::class, 'logger'])->args([service(Settings::class), 'audit']);
    }

    private function configureRoutes(RoutingConfigurator $routes): void
    {
        $routes->add('health_live', '/health/live')->controller([HealthController::class, 'live'])->methods(['GET']);
        $routes->add('health_ready', '/health/ready')->controller([HealthController::class, 'ready'])->methods(['GET']);
        $model = Model::load($this->getProjectDir() . '/resources/model.json');
        if ($model->metrics) {
            $routes->add('metrics', '/metrics')->controller([HealthController::class, 'metrics'])->methods(['GET']);
        }
        $api = '/api/v1';
        $routes->add('auth_register', "$api/auth/register")->controller([AuthController::class, 'register'])->methods(['POST']);
        $routes->add('auth_login', "$api/auth/login")->controller([AuthController::class, 'login'])->methods(['POST']);
        $signedIn = ['_auth' => true];
        $routes->add('auth_logout', "$api/auth/logout")->controller([AuthController::class, 'logout'])->methods(['POST'])->defaults($signedIn);
        $routes->add('auth_change_password', "$api/auth/password")
            ->controller([AuthController::class, 'changePassword'])->methods(['POST'])->defaults($signedIn);
        $routes->add('users_me', "$api/users/me")->controller([AuthController::class, 'me'])->methods(['GET'])->defaults($signedIn);
        foreach ($model->entities as $name => $entity) {
            $collection = "$api/" . $entity['path'];
            $item = $collection . '/{' . $entity['id_param'] . '}';
            $defaults = $signedIn + ['entity' => $name];
            foreach (
                [
                    ['list', $collection, 'GET', 'list'], ['create', $collection, 'POST', 'create'], ['get', $item, 'GET', 'show'],
                    ['update', $item, 'PATCH', 'update'], ['delete', $item, 'DELETE', 'destroy'],
                ] as [$verb, $path, $method, $action]
            ) {
                $routes->add("{$verb}_{$entity['table']}", $path)
                    ->controller([ResourceController::class, $action])->methods([$method])->defaults($defaults);
            }
        }
    }
}
