<?php

declare(strict_types=1);

namespace App\EventSubscriber;

use App\Support\Settings;
use Symfony\Component\EventDispatcher\EventSubscriberInterface;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpKernel\Event\RequestEvent;
use Symfony\Component\HttpKernel\KernelEvents;

/**
 * The client address: X-Forwarded-For is believed only when the connection comes from one of TRUSTED_PROXIES
 * (none by default), so a client cannot pick the address the rate limits count.
 */
final class ClientAddressSubscriber implements EventSubscriberInterface
{
    public function __construct(private readonly Settings $settings)
    {
    }

    public static function getSubscribedEvents(): array
    {
        return [KernelEvents::REQUEST => ['onRequest', 512]];
    }

    public function onRequest(RequestEvent $event): void
    {
        Request::setTrustedProxies($this->settings->trustedProxies, Request::HEADER_X_FORWARDED_FOR);
    }
}
