{%- set metrics = "metrics" in (cookiecutter.decisions.get("observability") or "") -%}
/**
 * The Express application: security headers on every response, a 1 MiB cap on bodies (chunked ones
 * too, before parsing), JSON logs, health probes, the contract at /openapi.yaml, the auth and resource
 * routes, and problem+json for every error.
 */
import { createServer as httpServer } from "node:http";

import express, { type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";

import { Accounts } from "./accounts.js";
import { authRouter, type RouteDeps } from "./auth.js";
import { Contract } from "./contract.js";
import { type AppDeps, type AppServer, BODY_LIMIT_BYTES } from "./http-server.js";
import { logger as baseLogger } from "./logger.js";
{%- if metrics %}
import { metricsHandler, observe } from "./metrics.js";
{%- endif %}
import { HttpError, problem } from "./problem.js";
import { resourceRouter } from "./resources.js";

function sendProblem(res: Response, error: HttpError): void {
  const { status, headers, body } = problem(error);
  res.status(status).set(headers).send(body);
}

/** Body-parser errors (malformed JSON, too large, bad encoding) as problem details. */
function parseError(error: unknown): HttpError | null {
  const type = (error as { type?: string }).type;
  if (type === "entity.too.large") return new HttpError(413, "the request body is larger than 1 MiB");
  if (type === "entity.parse.failed") return new HttpError(400, "the request body is not valid JSON");
  if (type && type.startsWith("encoding.") || type === "charset.unsupported" || type === "request.aborted") return new HttpError(400, "the request body cannot be read");
  return null;
}

export function createApp({ store, settings, logger = baseLogger, contract = new Contract() }: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", settings.trustedProxies.length ? settings.trustedProxies : false);
  app.set("etag", false);
  app.use(
    helmet({
      contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      frameguard: { action: "deny" },
      referrerPolicy: { policy: "no-referrer" },
    }),
  );
  app.use((req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, "request");
    });
    next();
  });
{%- if metrics %}
  app.use(observe);
  app.get("/metrics", metricsHandler);
{%- endif %}
  // strict: only objects and arrays; JSON numbers beyond double range (1e999) parse as Infinity, which the
  // contract's strict number checks refuse (422)
  app.use(express.json({ limit: BODY_LIMIT_BYTES, strict: true, type: ["application/json", "application/*+json"] }));

  app.get("/health/live", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/health/ready", async (_req, res) => {
    try {
      await store.ping();
      res.json({ status: "ok" });
    } catch {
      res.status(503).json({ status: "unavailable" });
    }
  });
  app.get("/openapi.yaml", (_req, res) => {
    res.type("application/yaml").send(contract.text);
  });

  const accounts = new Accounts(store, settings, logger.child({ logger: "audit" }));
  const deps: RouteDeps = { accounts, contract, authRateLimitPerMinute: settings.authRateLimitPerMinute };
  app.use(authRouter(deps));
  app.use(resourceRouter(deps, store));

  // a path of the contract with a method it does not list: 405 naming the ones it does
  for (const route of contract.routes) {
    app.all(route.path.replace(/\{([^}]+)\}/g, ":$1"), (_req, _res, next) => {
      next(new HttpError(405, "method not allowed on this resource", [], { Allow: route.methods.join(", ") }));
    });
  }
  app.use((_req, _res, next) => {
    next(new HttpError(404, "no such resource"));
  });
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    if (error instanceof HttpError) return sendProblem(res, error);
    const parsed = parseError(error);
    if (parsed) return sendProblem(res, parsed);
    logger.error({ err: error }, "unhandled error");
    sendProblem(res, new HttpError(500, "internal error"));
  });
  return app;
}

export async function createServer(deps: AppDeps): Promise<AppServer> {
  const server = httpServer(createApp(deps));
  return {
    server,
    // the tests never listen (supertest does, per request): nothing to close then
    close: () => new Promise<void>((resolve, reject) => (server.listening ? server.close((error) => (error ? reject(error) : resolve())) : resolve())),
  };
}
