<?php

declare(strict_types=1);

namespace App\Http;

use App\Http\Middleware\Authenticate;
use App\Http\Middleware\CountRequests;
use App\Http\Middleware\LimitBodySize;
use App\Http\Middleware\SecurityHeaders;
use App\Http\Middleware\TrustClientProxies;
use Illuminate\Foundation\Http\Kernel as HttpKernel;

/**
 * The HTTP middleware, outermost first: security headers on every answer (errors included), the client
 * address from TRUSTED_PROXIES only, the request counter of /metrics, and the body size limit before anything
 * reads the body. `auth` (Authenticate) guards the API routes: session cookie, and CSRF on unsafe methods.
 */
final class Kernel extends HttpKernel
{
    /** @var list<class-string> */
    protected $middleware = [
        SecurityHeaders::class,
        TrustClientProxies::class,
        CountRequests::class,
        LimitBodySize::class,
    ];

    /** @var array<string, list<class-string>> */
    protected $middlewareGroups = [];

    /** @var array<string, class-string> */
    protected $routeMiddleware = [
        'auth' => Authenticate::class,
    ];
}
