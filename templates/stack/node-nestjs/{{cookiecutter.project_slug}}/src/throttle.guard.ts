/**
 * A limit per client address on the auth routes (@nestjs/throttler, its in-memory storage; the address is
 * req.ip, which honours X-Forwarded-For only from TRUSTED_PROXIES, see src/app.ts): 429 with Retry-After.
 * Counters live in this process: behind several replicas, give ThrottlerModule a shared storage. The
 * per-account backoff is src/backoff.ts.
 */
import { type ExecutionContext, Injectable } from "@nestjs/common";
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions } from "@nestjs/throttler";

import type { Settings } from "./config.js";
import { HttpError } from "./problem.js";

/** AUTH_RATE_LIMIT_PER_MINUTE requests a minute per client address and route. */
export function throttlerOptions(settings: Settings): ThrottlerModuleOptions {
  return { throttlers: [{ ttl: 60_000, limit: settings.authRateLimitPerMinute }] };
}

@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  protected override throwThrottlingException(_context: ExecutionContext, limit: ThrottlerLimitDetail): Promise<void> {
    throw new HttpError(429, "too many requests: retry later", [], { "Retry-After": String(Math.max(1, limit.timeToBlockExpire)) });
  }
}
