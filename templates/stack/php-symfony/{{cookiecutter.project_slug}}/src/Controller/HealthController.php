<?php

declare(strict_types=1);

namespace App\Controller;

use App\Support\Metrics;
use Doctrine\DBAL\Connection;
use Psr\Log\LoggerInterface;
use Symfony\Component\HttpFoundation\JsonResponse;
use Symfony\Component\HttpFoundation\Response;
use Throwable;

/** Liveness (the process answers), readiness (the database answers too), and /metrics. */
final class HealthController
{
    public function __construct(private readonly LoggerInterface $logger)
    {
    }

    public function live(): JsonResponse
    {
        return new JsonResponse(['status' => 'ok']);
    }

    public function ready(Connection $db): JsonResponse
    {
        try {
            $db->fetchOne('SELECT 1');
        } catch (Throwable $error) {
            $this->logger->warning('database not ready', ['error' => $error::class]);

            return new JsonResponse(['status' => 'unavailable'], 503);
        }

        return new JsonResponse(['status' => 'ok']);
    }

    public function metrics(Metrics $metrics): Response
    {
        return new Response($metrics->render(), 200, ['Content-Type' => 'text/plain; version=0.0.4; charset=utf-8']);
    }
}
