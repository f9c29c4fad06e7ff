/**
 * Errors as RFC 9457 problem details (`application/problem+json`): type, title, status, detail, and for
 * validation (422) one item per problem: `pointer` into the body (`#/field`) or `parameter`. A submitted
 * value is never echoed back.
 */
import { STATUS_CODES } from "node:http";

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

/** What every framework layer sends for an error: the status, its headers, and the problem+json text. */
export interface Problem {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export const PROBLEM_TYPE = "application/problem+json";

export function problem(error: HttpError): Problem {
  const body: Record<string, unknown> = {
    type: "about:blank",
    title: TITLES[error.status] ?? STATUS_CODES[error.status] ?? "Error",
    status: error.status,
    detail: error.detail,
  };
  if (error.status === 422) body.errors = error.errors;
  return { status: error.status, headers: { ...error.headers, "Content-Type": PROBLEM_TYPE }, body: JSON.stringify(body) };
}
