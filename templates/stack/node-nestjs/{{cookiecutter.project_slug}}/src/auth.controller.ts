{%- set cookies = cookiecutter.auth == "session-cookie" -%}
/** The auth routes on NestJS (the logic is src/accounts.ts), each checked against its operation of openapi.yaml. */
import { Controller, Get, HttpCode, Ip, Post, Res, UseGuards } from "@nestjs/common";
import type { Response } from "express";

import { Accounts, type Current, type Reply, publicUser } from "./accounts.js";
import { CurrentUser, SessionGuard } from "./auth.guard.js";
import type { Validated } from "./contract.js";
import { Operation, Valid } from "./contract.interceptor.js";
import { ClientThrottlerGuard } from "./throttle.guard.js";

/** A Reply's cookies on the response, and its body for NestJS to send (none: the route's 204). */
function sent(res: Response, reply: Reply): Record<string, unknown> | undefined {
  if (reply.cookies.length) res.append("Set-Cookie", [...reply.cookies]);
  return reply.body;
}

@Controller("api/v1")
export class AuthController {
  constructor(private readonly accounts: Accounts) {}

  @Post("auth/register")
  @UseGuards(ClientThrottlerGuard)
  @Operation("auth_register")
  register(@Valid() { body }: Validated): Promise<Record<string, unknown>> {
    return this.accounts.register(body);
  }

  @Post("auth/login")
  @HttpCode(200)
  @UseGuards(ClientThrottlerGuard)
  @Operation("auth_login")
  async login(@Valid() { body }: Validated, @Ip() ip: string, @Res({ passthrough: true }) res: Response): Promise<Record<string, unknown> | undefined> {
    return sent(res, await this.accounts.login(body, ip));
  }
{%- if not cookies %}

  // not rate limited: a refresh token is a signed 256-bit secret, and the contract documents no 429 here
  @Post("auth/refresh")
  @HttpCode(200)
  @Operation("auth_refresh")
  async refresh(@Valid() { body }: Validated, @Res({ passthrough: true }) res: Response): Promise<Record<string, unknown> | undefined> {
    return sent(res, await this.accounts.refresh(body));
  }
{%- endif %}

  @Post("auth/logout")
  @HttpCode(204)
  @UseGuards(SessionGuard)
  @Operation("auth_logout")
  async logout(@CurrentUser() current: Current, @Res({ passthrough: true }) res: Response): Promise<void> {
    sent(res, await this.accounts.logout(current));
  }

  @Post("auth/password")
  @HttpCode(204)
  @UseGuards(SessionGuard)
  @Operation("auth_change_password")
  async changePassword(@CurrentUser() current: Current, @Valid() { body }: Validated): Promise<void> {
    await this.accounts.changePassword(current, body);
  }

  @Get("users/me")
  @UseGuards(SessionGuard)
  @Operation("users_me")
  me(@CurrentUser() current: Current): Record<string, unknown> {
    return publicUser(current.user);
  }
}
