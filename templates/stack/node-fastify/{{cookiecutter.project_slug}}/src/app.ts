{%- set metrics = "metrics" in (cookiecutter.decisions.get("observability") or "") -%}
/**
 * The Fastify application: security headers on every response, a 1 MiB cap on bodies (chunked ones
 * too, before parsing), one JSON log line per request, health probes, the contract at /openapi.yaml, the
 * auth and resource routes, 405 for a method a contract path does not list, and problem+json for every
 * error. Requests are checked by the contract (src/contract.ts), not by Fastify schemas: no route has one.
 */
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";

import fastifyHelmet from "@fastify/helmet";
import fastifyRateLimit from "@fastify/rate-limit";
import { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController, fastify } from "fastify";
import helmet from "helmet";

import { Accounts } from "./accounts.js";
import { authRoutes, type RouteDeps } from "./auth.js";
import { Contract } from "./contract.js";
import { type AppDeps, type AppServer, BODY_LIMIT_BYTES } from "./http-server.js";
import { RATE_LIMITS } from "./limits.js";
import { logger as baseLogger } from "./logger.js";
{%- if metrics %}
import { metrics } from "./metrics.js";
{%- endif %}
import { HttpError, problem } from "./problem.js";
import { resourceRoutes } from "./resources.js";

// helmet's options, for @fastify/helmet and for helmet itself (a literal: each reads it with its own copy of helmet's types)
const HEADERS = {
  contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  frameguard: { action: "deny" },
  referrerPolicy: { policy: "no-referrer" },
} as const;
/** The same headers, for the requests Fastify refuses before any hook runs (see `frameworkErrors`). */
const securityHeaders = helmet(HEADERS);

/** One JSON line per request, once its response is sent (Fastify's default also writes one when it arrives). */
class RequestLog extends LogController {
  override incomingRequest(): void {
    // the line of the completed request says it all
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, path: request.url.split("?", 1)[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) request.log.error({ ...line, err: error }, "request failed");
    else request.log.info(line, "request");
  }
}

const NOT_JSON = "the request body must be JSON (Content-Type: application/json)";

function sendProblem(reply: FastifyReply, error: HttpError): FastifyReply {
  const { status, headers, body } = problem(error);
  return reply.code(status).headers(headers).send(body);
}

/** Fastify's own refusals (body too large, not JSON, bad URL, ...) as problem details that never quote the request. */
function frameworkError(error: FastifyError): HttpError | null {
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new HttpError(413, "the request body is larger than 1 MiB");
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new HttpError(400, "the request body is not valid JSON");
    case "FST_ERR_BAD_URL":
      return new HttpError(400, "the request path is not valid percent-encoding");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new HttpError(400, NOT_JSON);
  }
  const status = error.statusCode ?? 500;
  if (status < 400 || status >= 500) return null;
  return new HttpError(status, `the request cannot be served (${(STATUS_CODES[status] ?? "client error").toLowerCase()})`);
}

/** A request Node cannot even parse (a malformed request line or header, headers over the size limit, too
 * slow) never reaches Fastify: it gets problem details too, on the raw socket, which is then closed. */
function clientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const status = error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : error.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
  const { headers, body } = problem(new HttpError(status, "the request cannot be read"));
  const lines = Object.entries({ ...headers, "Content-Length": String(Buffer.byteLength(body)), "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", Connection: "close" });
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.map(([name, value]) => `${name}: ${value}\r\n`).join("")}\r\n${body}`);
  socket.destroy(error);
}

/** What a request no route serves gets: 405 naming the methods of its contract path, or 404. */
function unrouted(contract: Contract): (request: FastifyRequest) => HttpError {
  const paths = contract.routes.map(({ path, methods }) => ({
    pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
    methods: methods.includes("GET") ? [...methods, "HEAD"] : methods,
  }));
  return (request) => {
    const path = request.url.split("?", 1)[0];
    const known = paths.find(({ pattern }) => pattern.test(path));
    if (known && !known.methods.includes(request.method)) {
      return new HttpError(405, "method not allowed on this resource", [], { Allow: known.methods.filter((m) => m !== "HEAD").join(", ") });
    }
    return new HttpError(404, "no such resource");
  };
}

export async function createApp({ store, settings, logger = baseLogger, contract = new Contract() }: AppDeps): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = logger;
  const app = fastify({
    loggerInstance,
    logController: new RequestLog(),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: settings.trustedProxies.length ? [...settings.trustedProxies] : false,
    // an id longer than Fastify's default (100 characters) reaches the contract check, which says why it is wrong
    routerOptions: { maxParamLength: 16_384 },
    clientErrorHandler: clientError,
    // a path Fastify cannot decode (a broken %-escape) is refused before any hook runs: its headers are set here
    frameworkErrors: (error, request, reply) => {
      securityHeaders(request.raw, reply.raw, () => undefined);
      reply.header("Cache-Control", "no-store");
      sendProblem(reply, frameworkError(error) ?? new HttpError(500, "internal error"));
    },
  });
  // JSON only: a text/plain body is no body at all for the contract (400), as any other type
  app.removeContentTypeParser("text/plain");
  app.decorateRequest("valid", null);
  app.decorateRequest("current", null);

  await app.register(fastifyHelmet, HEADERS);
  await app.register(fastifyRateLimit, RATE_LIMITS);
  app.addHook("onRequest", async (_request, reply) => {
    reply.header("Cache-Control", "no-store");
  });
{%- if metrics %}
  metrics(app);
{%- endif %}

  app.get("/health/live", async () => ({ status: "ok" }));
  app.get("/health/ready", async (_request, reply) => {
    try {
      await store.ping();
      return { status: "ok" };
    } catch {
      return reply.code(503).send({ status: "unavailable" });
    }
  });
  app.get("/openapi.yaml", async (_request, reply) => reply.type("application/yaml").send(contract.text));

  const accounts = new Accounts(store, settings, logger.child({ logger: "audit" }));
  const deps: RouteDeps = { accounts, contract, authRateLimitPerMinute: settings.authRateLimitPerMinute };
  authRoutes(app, deps);
  resourceRoutes(app, deps, store);

  // a path of the contract with a method it does not list: 405 naming the ones it does; anything else 404
  const notRouted = unrouted(contract);
  app.setNotFoundHandler(async (request) => {
    throw notRouted(request);
  });
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error instanceof HttpError) return sendProblem(reply, error);
    const refused = frameworkError(error);
    if (refused) {
      // Fastify closes the connection after refusing a body; the client of one too large may still be
      // sending it, and would see a reset instead of the 413. Kept alive, the connection lets Node read
      // and drop the rest (within the server's requestTimeout, src/server.ts).
      if (refused.status === 413) reply.removeHeader("connection");
      // no route serves it: its 404 or 405 whatever Fastify found wrong with the body (Fastify refuses a
      // QUERY without a Content-Type before the not-found handler runs)
      return sendProblem(reply, request.is404 ? notRouted(request) : refused);
    }
    request.log.error({ err: error }, "unhandled error");
    return sendProblem(reply, new HttpError(500, "internal error"));
  });
  return app;
}

export async function createServer(deps: AppDeps): Promise<AppServer> {
  const app = await createApp(deps);
  await app.ready();
  // Fastify closes its server even when something else made it listen (src/server.ts, supertest)
  return { server: app.server, close: () => app.close() };
}
