/**
 * `BearerGuard`: the `Authorization: Bearer` token of the request must name a live session
 * (src/accounts.ts `authenticate`, else 401); `@CurrentUser()` is that user and session.
 */
import { type CanActivate, type ExecutionContext, Injectable, createParamDecorator } from "@nestjs/common";
import type { Request } from "express";

import { Accounts, type Current } from "./accounts.js";

interface AuthenticatedRequest extends Request {
  current?: Current;
}

@Injectable()
export class BearerGuard implements CanActivate {
  constructor(private readonly accounts: Accounts) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.current = await this.accounts.authenticate(request.get("authorization"));
    return true;
  }
}

export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): Current => {
  const { current } = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!current) throw new Error("@CurrentUser() on a route without BearerGuard");
  return current;
});
