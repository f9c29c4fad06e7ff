/**
 * `SessionGuard`: the {% if cookiecutter.auth == "session-cookie" %}session cookie of the request (and, for unsafe methods, its CSRF token){% else %}`Authorization: Bearer` token of the request{% endif %} must name a live
 * session (src/accounts.ts `authenticate`, else 401{% if cookiecutter.auth == "session-cookie" %}, or 403 for a missing CSRF token{% endif %}); `@CurrentUser()` is that user and session.
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
