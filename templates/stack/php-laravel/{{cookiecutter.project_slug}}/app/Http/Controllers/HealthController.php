<?php

declare(strict_types=1);

namespace App\Http\Controllers;

use App\Support\Metrics;
use Illuminate\Database\ConnectionInterface;
use Illuminate\Http\JsonResponse;
use Illuminate\Http\Response;
use Illuminate\Support\Facades\Log;
use Throwable;

/** Liveness (the process answers), readiness (the database answers too), and /metrics. */
final class HealthController
{
    public function live(): JsonResponse
    {
        return new JsonResponse(['status' => 'ok']);
    }

    public function ready(ConnectionInterface $db): JsonResponse
    {
        try {
            $db->select('SELECT 1');
        } catch (Throwable $error) {
            Log::warning('database not ready', ['error' => $error::class]);

            return new JsonResponse(['status' => 'unavailable'], 503);
        }

        return new JsonResponse(['status' => 'ok']);
    }

    public function metrics(Metrics $metrics): Response
    {
        return new Response($metrics->render(), 200, ['Content-Type' => 'text/plain; version=0.0.4; charset=utf-8']);
    }
}
