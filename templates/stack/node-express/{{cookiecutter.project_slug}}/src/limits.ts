/**
 * A token bucket per client address on the auth routes (express-rate-limit; the address is req.ip, which
 * honours X-Forwarded-For only from TRUSTED_PROXIES): 429 with Retry-After. Counters live in this process:
 * behind several replicas, put them in a shared store. The per-account backoff is src/backoff.ts.
 */
import type { RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";

import { HttpError } from "./problem.js";

export function perClient(limitPerMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: limitPerMinute,
    standardHeaders: "draft-6",
    legacyHeaders: false,
    handler: (_req, res, next) => {
      next(new HttpError(429, "too many requests: retry later", [], { "Retry-After": String(res.getHeader("Retry-After") ?? 60) }));
    },
  });
}
