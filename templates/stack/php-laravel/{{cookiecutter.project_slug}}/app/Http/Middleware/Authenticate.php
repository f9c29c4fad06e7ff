<?php

declare(strict_types=1);

namespace App\Http\Middleware;

use App\Services\Accounts;
use App\Support\Problem;
use Closure;
use Illuminate\Http\Request;
use Symfony\Component\HttpFoundation\Response;

/**
 * The signed-in user of a request: a live server-side session named by the `session` cookie (401 without
 * one). Unsafe methods also need the X-CSRF-Token header equal to the session's CSRF token (403), the
 * double submit a cross-site form cannot forge.
 */
final class Authenticate
{
    public const COOKIE = 'session';
    public const CSRF_COOKIE = 'csrf_token';
    public const CSRF_HEADER = 'X-CSRF-Token';

    public function __construct(private readonly Accounts $accounts)
    {
    }

    public function handle(Request $request, Closure $next): Response
    {
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

        return $next($request);
    }
}
