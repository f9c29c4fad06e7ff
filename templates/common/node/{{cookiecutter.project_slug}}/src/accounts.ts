{%- set cookies = cookiecutter.auth == "session-cookie" -%}
/**
 * Registration, login, {% if not cookies %}refresh, {% endif %}logout, password change and the current user, whatever the framework:
 * its routes hand over the contract-checked body and the request's headers, and send back what these
 * methods return (or the HttpError they throw). {% if cookies %}A session cookie{% else %}A token{% endif %} is only as good as its server-side session:
 * logout revokes it, a password change revokes every other session of the user{% if not cookies %}, and a refresh token
 * used twice revokes its whole session{% endif %}.
{%- if cookies %}
 * The session cookie is HttpOnly and signed; unsafe methods must echo the session's CSRF token (readable
 * in the csrf_token cookie) in the X-CSRF-Token header: double submit, checked against the signed value.
{%- endif %}
 */
import { randomBytes{% if cookies %}, timingSafeEqual{% endif %} } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

{% if cookies -%}
import { parseCookie, stringifySetCookie } from "cookie";
{% endif -%}
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

/** What a route sends back: its JSON body (none for a 204) and the Set-Cookie headers it adds. */
export interface Reply {
  readonly body?: Record<string, unknown>;
  readonly cookies: readonly string[];
}

/** The parts of a request that authenticate it, whatever the framework's request object. */
export interface Credentials {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
}
{%- if cookies %}

export const SESSION_COOKIE = "session";
export const CSRF_COOKIE = "csrf_token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
{%- endif %}

function unauthorized(detail = "not authenticated"): HttpError {
  return new HttpError(401, detail, [], {% if cookies %}{}{% else %}{ "WWW-Authenticate": "Bearer" }{% endif %});
}

/** The password, normalised, or 422 saying what is wrong with it (at `pointer`). */
function acceptable(password: string, pointer: string): string {
  const normalised = normalise(password);
  // as typed too: NFKC lengthens some text ("ﬃ" is "ffi"), and the contract's bounds are on what is sent
  const problem = passwordProblem(password) ?? passwordProblem(normalised);
  if (problem) throw new HttpError(422, "the request is not valid", [{ pointer, detail: problem }]);
  return normalised;
}

function tokenId(): string {
  return randomBytes(32).toString("base64url");
}
{%- if cookies %}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
{%- endif %}

export function publicUser(user: User): Record<string, unknown> {
  return { id: user.id, email: user.email, created_at: user.createdAt.toISOString().replace(".000Z", "Z") };
}

export class Accounts {
  private readonly backoff = new Backoff();
  private readonly passwords: Passwords;
{%- if cookies %}
  private readonly sessionSeconds: number;
{%- else %}
  private readonly accessSeconds: number;
{%- endif %}

  constructor(
    private readonly store: Store,
    private readonly settings: Settings,
    private readonly audit: Logger,
  ) {
    this.passwords = new Passwords(settings.passwordHashConcurrency);
{%- if cookies %}
    this.sessionSeconds = settings.sessionMinutes * 60;
{%- else %}
    this.accessSeconds = settings.accessTokenMinutes * 60;
{%- endif %}
  }

{%- if cookies %}
  /** The user and session of the signed session cookie (401: missing, tampered with, expired or closed);
   * an unsafe method also needs the session's CSRF token in X-CSRF-Token (403). */
  async authenticate({ method, headers }: Credentials): Promise<Current> {
    const token = parseCookie(headers.cookie ?? "")[SESSION_COOKIE];
    if (!token) throw unauthorized();
    const claims = await decodeToken(this.settings.secretKey, token, "session");
    const current = claims ? await this.open(claims.sub, claims.sid) : null;
    if (!claims || !current) throw unauthorized("invalid or expired session");
    const echoed = headers["x-csrf-token"];
    if (!SAFE_METHODS.has(method.toUpperCase()) && (typeof echoed !== "string" || !sameText(echoed, claims.csrf))) {
      throw new HttpError(403, "CSRF token missing or invalid");
    }
    return current;
  }
{%- else %}
  /** The user and session an `Authorization: Bearer` header names, or 401. */
  async authenticate({ headers }: Credentials): Promise<Current> {
    const match = /^Bearer ([^\s]+)$/i.exec(headers.authorization ?? "");
    if (!match) throw unauthorized();
    const claims = await decodeToken(this.settings.secretKey, match[1], "access");
    const current = claims ? await this.open(claims.sub, claims.sid) : null;
    if (!current) throw unauthorized("invalid or expired token");
    return current;
  }
{%- endif %}

  /** The open session `sid` of the active user `sub`, or null. */
  private async open(sub: string, sid: string): Promise<Current | null> {
    const userId = Number(sub);
    if (!Number.isSafeInteger(userId)) return null;
    const session = await this.store.sessions.active(sid, userId);
    const user = session ? await this.store.users.byId(userId) : null;
    return session && user && user.isActive ? { user, sessionId: session.id } : null;
  }

{%- if cookies %}
  /** The session cookie (HttpOnly) and the CSRF cookie (readable by the front end, which echoes it). */
  private async sessionReply(userId: number, sessionId: string): Promise<Reply> {
    const csrf = tokenId();
    const token = await createToken(this.settings.secretKey, { sub: String(userId), sid: sessionId, jti: sessionId, typ: "session", csrf }, this.sessionSeconds);
    const options = { maxAge: this.sessionSeconds, path: "/", sameSite: "lax", secure: this.settings.cookieSecure } as const;
    return {
      body: { csrf_token: csrf, expires_in: this.sessionSeconds },
      cookies: [stringifySetCookie(SESSION_COOKIE, token, { ...options, httpOnly: true }), stringifySetCookie(CSRF_COOKIE, csrf, options)],
    };
  }

  /** Set-Cookie headers that remove both cookies from the browser. */
  private clearedCookies(): string[] {
    const options = { maxAge: 0, expires: new Date(0), path: "/", sameSite: "lax", secure: this.settings.cookieSecure } as const;
    return [stringifySetCookie(SESSION_COOKIE, "", { ...options, httpOnly: true }), stringifySetCookie(CSRF_COOKIE, "", options)];
  }
{%- else %}
  private async tokens(userId: number, sessionId: string, refreshJti: string): Promise<Reply> {
    const { secretKey, refreshTokenDays } = this.settings;
    const sub = String(userId);
    return {
      body: {
        access_token: await createToken(secretKey, { sub, sid: sessionId, jti: tokenId(), typ: "access" }, this.accessSeconds),
        token_type: "bearer",
        expires_in: this.accessSeconds,
        refresh_token: await createToken(secretKey, { sub, sid: sessionId, jti: refreshJti, typ: "refresh" }, refreshTokenDays * 86400),
      },
      cookies: [],
    };
  }
{%- endif %}

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

  async login(body: Body, clientAddress: string | undefined): Promise<Reply> {
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
{%- if cookies %}
    const session = await this.store.sessions.open(user.id, this.sessionSeconds * 1000);
    this.audit.info({ event: "login", user_id: user.id }, "login");
    return this.sessionReply(user.id, session.id);
{%- else %}
    const session = await this.store.sessions.open(user.id, this.settings.refreshTokenDays * 86400_000);
    this.audit.info({ event: "login", user_id: user.id }, "login");
    return this.tokens(user.id, session.id, session.refreshJti);
{%- endif %}
  }

{%- if not cookies %}
  async refresh(body: Body): Promise<Reply> {
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
{%- endif %}

  /** End the session{% if cookies %} and clear its cookies{% endif %}. */
  async logout(current: Current): Promise<Reply> {
    await this.store.sessions.revoke(current.sessionId);
    return { cookies: {% if cookies %}this.clearedCookies(){% else %}[]{% endif %} };
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
