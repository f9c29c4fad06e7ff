/**
 * Errors as RFC 9457 problem details (`application/problem+json`): type, title, status, detail, and for
 * validation (422) one item per problem: `pointer` into the body (`#/field`) or `parameter`. A submitted
 * value is never echoed back.
 */
import { STATUS_CODES } from "node:http";

import type { Response } from "express";

export interface FieldError {
  readonly pointer?: string;
  readonly parameter?: string;
  readonly detail: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors: readonly FieldError[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = "HttpError";
  }
}

const TITLES: Record<number, string> = { 413: "Content Too Large", 422: "Unprocessable Content" };

export function sendProblem(res: Response, error: HttpError): void {
  const body: Record<string, unknown> = {
    type: "about:blank",
    title: TITLES[error.status] ?? STATUS_CODES[error.status] ?? "Error",
    status: error.status,
    detail: error.detail,
  };
  if (error.status === 422) body.errors = error.errors;
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.status).type("application/problem+json").send(JSON.stringify(body));
}
