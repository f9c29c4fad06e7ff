<?php

declare(strict_types=1);

namespace App\EventSubscriber;

use App\Support\Problem;
use Psr\Log\LoggerInterface;
use Symfony\Component\EventDispatcher\EventSubscriberInterface;
use Symfony\Component\HttpKernel\Event\ExceptionEvent;
use Symfony\Component\HttpKernel\Exception\HttpExceptionInterface;
use Symfony\Component\HttpKernel\KernelEvents;

/**
 * Every error as RFC 9457 problem details (application/problem+json), before Symfony's own error listener.
 * Unexpected errors are logged as JSON and answered with a bare 500: no stack trace or message leaves the server.
 */
final class ProblemSubscriber implements EventSubscriberInterface
{
    public function __construct(private readonly LoggerInterface $logger)
    {
    }

    public static function getSubscribedEvents(): array
    {
        return [KernelEvents::EXCEPTION => ['onException', 16]];
    }

    public function onException(ExceptionEvent $event): void
    {
        $error = $event->getThrowable();
        if ($error instanceof Problem) {
            $event->setResponse($error->toResponse());
        } elseif ($error instanceof HttpExceptionInterface) {
            $status = $error->getStatusCode();
            $headers = array_map('strval', array_filter($error->getHeaders(), 'is_scalar'));
            $event->setResponse(Problem::response($status, Problem::title($status) . '.', [], $headers));
        } else {
            $this->logger->error('unexpected error', ['exception' => $error]);
            $event->setResponse(Problem::response(500, 'The server could not answer this request.'));
        }
        // the status is the problem's, not a 500 Symfony would otherwise force
        $event->allowCustomResponseCode();
    }
}
