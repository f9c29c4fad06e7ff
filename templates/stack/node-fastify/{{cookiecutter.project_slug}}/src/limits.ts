/**
 * A fixed window per client address on the auth routes (@fastify/rate-limit): its key is request.ip, which
 * honours X-Forwarded-For only from TRUSTED_PROXIES (Fastify's trustProxy), an IPv6 address counted by its
 * /64 network so that one host cannot rotate through its own addresses. 429 with Retry-After. Counters
 * live in this process: behind several replicas, give the plugin a shared store (its `redis` option).
 * The per-account backoff is src/backoff.ts.
 */
import type { RateLimitOptions, RateLimitPluginOptions } from "@fastify/rate-limit";

import { HttpError } from "./problem.js";

/** The plugin's options (registered once, src/app.ts): no limit unless a route asks for one. */
export const RATE_LIMITS: RateLimitPluginOptions = {
  global: false,
  enableDraftSpec: true,
  errorResponseBuilder: (_request, context) =>
    new HttpError(429, "too many requests: retry later", [], { "Retry-After": String(Math.max(1, Math.ceil(context.ttl / 1000))) }),
};

/** The route options of a route limited to `limitPerMinute` requests a minute per client address. */
export function perClient(limitPerMinute: number): { config: { rateLimit: RateLimitOptions } } {
  return { config: { rateLimit: { max: limitPerMinute, timeWindow: 60_000 } } };
}
