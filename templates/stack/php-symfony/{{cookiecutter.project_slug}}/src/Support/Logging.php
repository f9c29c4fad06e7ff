<?php

declare(strict_types=1);

namespace App\Support;

use Monolog\Formatter\JsonFormatter;
use Monolog\Handler\StreamHandler;
use Monolog\Logger;
use Psr\Log\LoggerInterface;

/** JSON logs, one object a line, on standard error (Monolog's JsonFormatter), at LOG_LEVEL. */
final class Logging
{
    /** A logger of a channel: `app`, or `audit` for logins, registrations and password changes. */
    public static function logger(Settings $settings, string $channel): LoggerInterface
    {
        $handler = new StreamHandler('php://stderr', Logger::toMonologLevel($settings->logLevel));
        $handler->setFormatter(new JsonFormatter());

        return new Logger($channel, [$handler]);
    }
}
