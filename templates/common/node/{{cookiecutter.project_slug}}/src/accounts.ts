/**
 * Registration, login, refresh, logout, password change and the current user, whatever the framework:
 * its routes hand over the contract-checked body and the Authorization header, and send back what these
 * methods return (or the HttpError they throw). A token is only as good as its server-side session:
 * logout revokes it, a password change revokes every other session of the user, and a refresh token
 * used twice revokes its whole session.
 */
import { randomBytes } from "node:crypto";

import type { Logger } from "pino";

import { Backoff } from "./backoff.js";
import type { Settings } from "./config.js";
import type { Store, User } from "./data/store.js";
import { normalise, passwordProblem } from "./passwords.js";
import { HttpError } from "./problem.js";
import { Passwords, createToken, decodeToken } from "./security.js";

export interface Current {
  readonly user: User;
  readonly sessionId: string;
}

export type Body = Readonly<Record<string, unknown>>;

function unauthorized(detail = "not authenticated"): HttpError {
  return new HttpError(401, detail, [], { "WWW-Authenticate": "Bearer" });
}

/** The password, normalised, or 422 saying what is wrong with it (at `pointer`). */
function acceptable(password: string, pointer: string): string {
  const normalised = normalise(password);
  const problem = passwordProblem(normalised);
  if (problem) throw new HttpError(422, "the request is not valid", [{ pointer, detail: problem }]);
  return normalised;
}

function tokenId(): string {
  return randomBytes(32).toString("base64url");
}

export function publicUser(user: User): Record<string, unknown> {
  return { id: user.id, email: user.email, created_at: user.createdAt.toISOString().replace(".000Z", "Z") };
}

export class Accounts {
  private readonly backoff = new Backoff();
  private readonly passwords: Passwords;
  private readonly accessSeconds: number;

  constructor(
    private readonly store: Store,
    private readonly settings: Settings,
    private readonly audit: Logger,
  ) {
    this.passwords = new Passwords(settings.passwordHashConcurrency);
    this.accessSeconds = settings.accessTokenMinutes * 60;
  }

  /** The user and session an `Authorization: Bearer` header names, or 401. */
  async authenticate(authorization: string | undefined): Promise<Current> {
    const match = /^Bearer ([^\s]+)$/i.exec(authorization ?? "");
    if (!match) throw unauthorized();
    const claims = await decodeToken(this.settings.secretKey, match[1], "access");
    const userId = claims ? Number(claims.sub) : NaN;
    if (!claims || !Number.isSafeInteger(userId)) throw unauthorized("invalid or expired token");
    const session = await this.store.sessions.active(claims.sid, userId);
    const user = session ? await this.store.users.byId(userId) : null;
    if (!session || !user || !user.isActive) throw unauthorized("invalid or expired token");
    return { user, sessionId: session.id };
  }

  private async tokens(userId: number, sessionId: string, refreshJti: string): Promise<Record<string, unknown>> {
    const { secretKey, refreshTokenDays } = this.settings;
    const sub = String(userId);
    return {
      access_token: await createToken(secretKey, { sub, sid: sessionId, jti: tokenId(), typ: "access" }, this.accessSeconds),
      token_type: "bearer",
      expires_in: this.accessSeconds,
      refresh_token: await createToken(secretKey, { sub, sid: sessionId, jti: refreshJti, typ: "refresh" }, refreshTokenDays * 86400),
    };
  }

  /** 201 {"email"} for a new address and a registered one alike, in the same time (the password is hashed
   * either way): the answer never tells which addresses have an account. A registered account is left as it
   * was, and the attempt is audited. */
  async register(body: Body): Promise<Record<string, unknown>> {
    const address = String(body.email).toLowerCase();
    const normalised = acceptable(String(body.password), "#/password");
    const user = await this.store.users.create(address, await this.passwords.hash(normalised));
    if (user) this.audit.info({ event: "user_registered", user_id: user.id }, "user registered");
    else this.audit.info({ event: "registration_ignored", email_hash: Backoff.key(address) }, "registration of a taken address ignored");
    return { email: address };
  }

  async login(body: Body, clientAddress: string | undefined): Promise<Record<string, unknown>> {
    const email = String(body.email);
    const account = Backoff.key(email);
    const wait = this.backoff.wait(account);
    if (wait > 0) throw new HttpError(429, "too many failed logins for this account: retry later", [], { "Retry-After": String(wait) });
    const user = await this.store.users.byEmail(email.toLowerCase());
    const ok = await this.passwords.verify(user?.passwordHash ?? null, normalise(String(body.password)));
    if (!ok || !user || !user.isActive) {
      this.backoff.failed(account);
      this.audit.info({ event: "login_failed", email_hash: account, ip: clientAddress }, "login failed");
      throw unauthorized("invalid email or password");
    }
    this.backoff.succeeded(account);
    const session = await this.store.sessions.open(user.id, this.settings.refreshTokenDays * 86400_000);
    this.audit.info({ event: "login", user_id: user.id }, "login");
    return this.tokens(user.id, session.id, session.refreshJti);
  }

  async refresh(body: Body): Promise<Record<string, unknown>> {
    const claims = await decodeToken(this.settings.secretKey, String(body.refresh_token), "refresh");
    const userId = claims ? Number(claims.sub) : NaN;
    const session = claims && Number.isSafeInteger(userId) ? await this.store.sessions.active(claims.sid, userId) : null;
    if (!claims || !session) throw unauthorized("invalid, expired or reused refresh token");
    const next = await this.store.sessions.rotate(session.id, claims.jti);
    if (!next) {
      this.audit.warn({ event: "refresh_reused", user_id: userId }, "refresh token reused: session revoked");
      throw unauthorized("invalid, expired or reused refresh token");
    }
    return this.tokens(userId, session.id, next);
  }

  async logout(current: Current): Promise<void> {
    await this.store.sessions.revoke(current.sessionId);
  }

  async changePassword(current: Current, body: Body): Promise<void> {
    const { user, sessionId } = current;
    if (!(await this.passwords.verify(user.passwordHash, normalise(String(body.current_password))))) {
      throw new HttpError(403, "the current password is wrong");
    }
    const normalised = acceptable(String(body.new_password), "#/new_password");
    await this.store.users.setPasswordHash(user.id, await this.passwords.hash(normalised));
    await this.store.sessions.revokeOthers(user.id, sessionId);
    this.audit.info({ event: "password_changed", user_id: user.id }, "password changed");
  }
}
