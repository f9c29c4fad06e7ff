<?php

declare(strict_types=1);

namespace App\EventSubscriber;

use App\Service\Accounts;
use App\Support\Problem;
use Symfony\Component\EventDispatcher\EventSubscriberInterface;
use Symfony\Component\HttpKernel\Event\RequestEvent;
use Symfony\Component\HttpKernel\KernelEvents;

/**
 * The signed-in user of the routes marked `_auth` (App\Kernel): a live server-side session named by the
 * `session` cookie (401 without one). Unsafe methods also need the X-CSRF-Token header equal to the
 * session's CSRF token (403), the double submit a cross-site form cannot forge. Runs after the router.
 */
final class AuthenticateSubscriber implements EventSubscriberInterface
{
    public const COOKIE = 'session';
    public const CSRF_COOKIE = 'csrf_token';
    public const CSRF_HEADER = 'X-CSRF-Token';

    public function __construct(private readonly Accounts $accounts)
    {
    }

    public static function getSubscribedEvents(): array
    {
        return [KernelEvents::REQUEST => ['onRequest', 8]];
    }

    public function onRequest(RequestEvent $event): void
    {
        $request = $event->getRequest();
        if ($request->attributes->get('_auth') !== true) {
            return;
        }
        $token = $request->cookies->get(self::COOKIE);
        $userId = is_string($token) && $token !== '' ? $this->accounts->sessionUser($token) : null;
        if ($userId === null) {
            throw Problem::unauthorized();
        }
        if (!in_array($request->getMethod(), ['GET', 'HEAD', 'OPTIONS'], true)) {
            $sent = $request->headers->get(self::CSRF_HEADER);
            if (!is_string($sent) || !hash_equals($this->accounts->csrfToken($token), $sent)) {
                throw new Problem(403, 'The CSRF token is missing or wrong.');
            }
        }
        $request->attributes->set('user_id', $userId);
        $request->attributes->set('session_token', $token);
    }
}
