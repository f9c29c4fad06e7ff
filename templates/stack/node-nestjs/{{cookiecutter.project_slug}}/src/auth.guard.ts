/**
 * `SessionGuard`: the request must carry {% if cookiecutter.auth == "session-cookie" %}the session cookie of a live session (and, for an unsafe method,
 * its CSRF token){% else %}an `Authorization: Bearer` token of a live session{% endif %} (src/accounts.ts `authenticate`, else {% if cookiecutter.auth == "session-cookie" %}401 or 403{% else %}401{% endif %});
 * `@CurrentUser()` is that user and session.
 */
import { type CanActivate, type ExecutionContext, Injectable, createParamDecorator } from "@nestjs/common";
import type { Request } from "express";

import { Accounts, type Current } from "./accounts.js";

interface AuthenticatedRequest extends Request {
  current?: Current;
}

@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly accounts: Accounts) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.current = await this.accounts.authenticate(request);
    return true;
  }
}

export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): Current => {
  const { current } = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!current) throw new Error("@CurrentUser() on a route without SessionGuard");
  return current;
});
