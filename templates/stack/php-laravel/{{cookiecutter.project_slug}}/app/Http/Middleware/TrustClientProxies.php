<?php

declare(strict_types=1);

namespace App\Http\Middleware;

use App\Support\Settings;
use Closure;
use Illuminate\Http\Request;
use Symfony\Component\HttpFoundation\Response;

/**
 * The client address: X-Forwarded-For is believed only when the connection comes from one of TRUSTED_PROXIES
 * (none by default), so a client cannot pick the address the rate limits count.
 */
final class TrustClientProxies
{
    public function __construct(private readonly Settings $settings)
    {
    }

    public function handle(Request $request, Closure $next): Response
    {
        Request::setTrustedProxies($this->settings->trustedProxies, Request::HEADER_X_FORWARDED_FOR);

        return $next($request);
    }
}
