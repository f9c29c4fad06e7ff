/** The auth routes on NestJS (the logic is src/accounts.ts), each checked against its operation of openapi.yaml. */
import { Controller, Get, HttpCode, Ip, Post, UseGuards } from "@nestjs/common";

import { Accounts, type Current, publicUser } from "./accounts.js";
import { BearerGuard, CurrentUser } from "./auth.guard.js";
import type { Validated } from "./contract.js";
import { Operation, Valid } from "./contract.interceptor.js";
import { ClientThrottlerGuard } from "./throttle.guard.js";

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
  login(@Valid() { body }: Validated, @Ip() ip: string): Promise<Record<string, unknown>> {
    return this.accounts.login(body, ip);
  }

  // not rate limited: a refresh token is a signed 256-bit secret, and the contract documents no 429 here
  @Post("auth/refresh")
  @HttpCode(200)
  @Operation("auth_refresh")
  refresh(@Valid() { body }: Validated): Promise<Record<string, unknown>> {
    return this.accounts.refresh(body);
  }

  @Post("auth/logout")
  @HttpCode(204)
  @UseGuards(BearerGuard)
  @Operation("auth_logout")
  async logout(@CurrentUser() current: Current): Promise<void> {
    await this.accounts.logout(current);
  }

  @Post("auth/password")
  @HttpCode(204)
  @UseGuards(BearerGuard)
  @Operation("auth_change_password")
  async changePassword(@CurrentUser() current: Current, @Valid() { body }: Validated): Promise<void> {
    await this.accounts.changePassword(current, body);
  }

  @Get("users/me")
  @UseGuards(BearerGuard)
  @Operation("users_me")
  me(@CurrentUser() current: Current): Record<string, unknown> {
    return publicUser(current.user);
  }
}
