/**
 * Every error as problem+json (src/problem.ts): an HttpError as it is, NestJS's own HttpExceptions (the
 * 404 of an unknown route, the 400 of an undecodable path, ...) with their status and a short detail of
 * it, anything else as a 500 that says nothing of the cause (the log has it, as it has every 5xx).
 */
import { STATUS_CODES } from "node:http";

import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from "@nestjs/common";
import type { Response } from "express";
import type { Logger } from "pino";

import { LOGGER } from "./core.module.js";
import { HttpError, problem } from "./problem.js";

/** Details of NestJS's exceptions: their messages name the request ("Cannot GET /x"), these do not. */
const DETAILS: Record<number, string> = { 404: "no such resource" };

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const error = this.httpError(exception);
    if (response.headersSent) {
      response.end();
      return;
    }
    const { status, headers, body } = problem(error);
    response.status(status).set(headers).send(body);
  }

  private httpError(exception: unknown): HttpError {
    if (exception instanceof HttpError) return exception;
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    if (status >= 500) this.logger.error({ err: exception }, "unhandled error");
    if (!(exception instanceof HttpException)) return new HttpError(500, "internal error");
    return new HttpError(status, DETAILS[status] ?? (STATUS_CODES[status] ?? "error").toLowerCase());
  }
}
