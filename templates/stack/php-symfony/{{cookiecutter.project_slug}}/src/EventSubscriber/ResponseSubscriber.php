<?php

declare(strict_types=1);

namespace App\EventSubscriber;

use App\Support\Metrics;
use Symfony\Component\EventDispatcher\EventSubscriberInterface;
use Symfony\Component\HttpKernel\Event\RequestEvent;
use Symfony\Component\HttpKernel\Event\ResponseEvent;
use Symfony\Component\HttpKernel\KernelEvents;

/**
 * The security headers of every response (errors included); API answers are never cached. Every answered
 * request is counted for /metrics, by method and status class.
 */
final class ResponseSubscriber implements EventSubscriberInterface
{
    private const HEADERS = [
        'X-Content-Type-Options' => 'nosniff',
        'X-Frame-Options' => 'DENY',
        'Referrer-Policy' => 'no-referrer',
        'Content-Security-Policy' => "default-src 'none'; frame-ancestors 'none'",
        'Cross-Origin-Opener-Policy' => 'same-origin',
        'Cache-Control' => 'no-store',
    ];

    public function __construct(private readonly Metrics $metrics)
    {
    }

    public static function getSubscribedEvents(): array
    {
        return [
            KernelEvents::REQUEST => ['onRequest', 1024],
            KernelEvents::RESPONSE => ['onResponse', -1024],
        ];
    }

    public function onRequest(RequestEvent $event): void
    {
        $event->getRequest()->attributes->set('_started', microtime(true));
    }

    public function onResponse(ResponseEvent $event): void
    {
        $response = $event->getResponse();
        foreach (self::HEADERS as $name => $value) {
            $response->headers->set($name, $value);
        }
        $response->headers->remove('X-Powered-By');
        if ($event->isMainRequest()) {
            $started = (float) $event->getRequest()->attributes->get('_started', microtime(true));
            $this->metrics->record($event->getRequest()->getMethod(), $response->getStatusCode(), microtime(true) - $started);
        }
    }
}
