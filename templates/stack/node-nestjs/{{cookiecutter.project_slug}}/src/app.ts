{%- set metrics = "metrics" in (cookiecutter.decisions.get("observability") or "") -%}
/**
 * The NestJS application on its Express platform: security headers on every response, a 1 MiB cap on
 * bodies (chunked ones too, before parsing), JSON logs, and the modules of src/app.module.ts. What comes
 * before the routes is Express middleware, installed before `app.init()` registers the routes.
 */
import "reflect-metadata";

import type { Server } from "node:http";

import { NestFactory } from "@nestjs/core";
import type { NestExpressApplication } from "@nestjs/platform-express";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import helmet from "helmet";
import { Logger } from "nestjs-pino";
import { pinoHttp } from "pino-http";

import { AppModule } from "./app.module.js";
import { Contract } from "./contract.js";
import { type AppDeps, type AppServer, BODY_LIMIT_BYTES } from "./http-server.js";
import { logger as baseLogger } from "./logger.js";
{%- if metrics %}
import { observe } from "./metrics.js";
{%- endif %}
import { HttpError } from "./problem.js";

/** Body-parser errors (malformed JSON, too large, bad encoding) as problem details. */
function parseError(error: unknown): unknown {
  const type = (error as { type?: string }).type;
  if (type === "entity.too.large") return new HttpError(413, "the request body is larger than 1 MiB");
  if (type === "entity.parse.failed") return new HttpError(400, "the request body is not valid JSON");
  if ((type && type.startsWith("encoding.")) || type === "charset.unsupported" || type === "request.aborted") return new HttpError(400, "the request body cannot be read");
  return error;
}

/** JSON bodies only (anything else leaves req.body undefined, which the contract check refuses with 400),
 * strict (objects and arrays); its errors become HttpErrors before they reach NestJS, which would otherwise
 * turn a JSON syntax error into a 400 quoting the body. */
function jsonBody(): RequestHandler {
  const parse = express.json({ limit: BODY_LIMIT_BYTES, strict: true, type: ["application/json", "application/*+json"] });
  return (req: Request, res: Response, next: NextFunction) => parse(req, res, (error?: unknown) => next(error === undefined ? undefined : parseError(error)));
}

export async function createServer({ store, settings, logger = baseLogger, contract = new Contract() }: AppDeps): Promise<AppServer> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register({ store, settings, logger, contract }), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  // NestJS's own logs as pino JSON lines; the ones buffered while the modules were created too (NestJS
  // flushes them itself only in app.listen, and src/server.ts listens on the HTTP server instead)
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.disable("x-powered-by");
  app.set("trust proxy", settings.trustedProxies.length ? settings.trustedProxies : false);
  app.set("etag", false);
  app.use(
    pinoHttp({
      logger,
      // the request's id (on NestJS's log lines of the request too), method and path without its query, the
      // status and the time: no headers, no bodies
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split("?")[0] }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      frameguard: { action: "deny" },
      referrerPolicy: { policy: "no-referrer" },
    }),
  );
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });
{%- if metrics %}
  app.use(observe);
{%- endif %}
  // JSON numbers beyond double range (1e999) parse as Infinity, which the contract's strict number checks refuse (422)
  app.use(jsonBody());
  await app.init();
  return { server: app.getHttpServer() as Server, close: () => app.close() };
}
