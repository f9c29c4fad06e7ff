/**
 * Registration, login, refresh, logout, password change, and `authenticate`: the middleware that
 * turns a Bearer token into the current user. A token is only as good as its server-side session:
 * logout revokes it, a password change revokes every other session of the user, and a refresh token
 * used twice revokes its whole session.
 */
import { randomBytes } from "node:crypto";

import { Router, type NextFunction, type Request, type Response } from "express";
import type { Logger } from "pino";

import type { Settings } from "./config.js";
import type { Contract } from "./contract.js";
import type { Store, User } from "./data/store.js";
import { Backoff, perClient } from "./limits.js";
import { normalise, passwordProblem } from "./passwords.js";
import { HttpError } from "./problem.js";
import { type Claims, type Passwords, createToken, decodeToken } from "./security.js";

export interface AuthDeps {
  readonly store: Store;
  readonly settings: Settings;
  readonly contract: Contract;
  readonly passwords: Passwords;
  readonly audit: Logger;
}

export interface Current {
  readonly user: User;
  readonly sessionId: string;
}

function publicUser(user: User): Record<string, unknown> {
  return { id: user.id, email: user.email, created_at: user.createdAt.toISOString().replace(".000Z", "Z") };
}

function unauthorized(detail = "not authenticated"): HttpError {
  return new HttpError(401, detail, [], { "WWW-Authenticate": "Bearer" });
}

function body(res: Response): Record<string, string> {
  return (res.locals.valid as { body: Record<string, string> }).body;
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

export function authenticate(deps: AuthDeps) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.get("authorization") ?? "";
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    if (!match) return next(unauthorized());
    const claims = await decodeToken(deps.settings.secretKey, match[1], "access");
    const userId = claims ? Number(claims.sub) : NaN;
    if (!claims || !Number.isSafeInteger(userId)) return next(unauthorized("invalid or expired token"));
    const session = await deps.store.sessions.active(claims.sid, userId);
    const user = session ? await deps.store.users.byId(userId) : null;
    if (!session || !user || !user.isActive) return next(unauthorized("invalid or expired token"));
    res.locals.current = { user, sessionId: session.id } satisfies Current;
    next();
  };
}

export function current(res: Response): Current {
  return res.locals.current as Current;
}

export function authRouter(deps: AuthDeps): Router {
  const { store, settings, contract, passwords, audit } = deps;
  const router = Router();
  const limited = perClient(settings.authRateLimitPerMinute);
  const backoff = new Backoff();
  const accessSeconds = settings.accessTokenMinutes * 60;

  async function tokens(userId: number, sessionId: string, refreshJti: string): Promise<Record<string, unknown>> {
    const sub = String(userId);
    return {
      access_token: await createToken(settings.secretKey, { sub, sid: sessionId, jti: tokenId(), typ: "access" }, accessSeconds),
      token_type: "bearer",
      expires_in: accessSeconds,
      refresh_token: await createToken(settings.secretKey, { sub, sid: sessionId, jti: refreshJti, typ: "refresh" }, settings.refreshTokenDays * 86400),
    };
  }

  router.post("/api/v1/auth/register", limited, contract.validate("auth_register"), async (req, res) => {
    const { email, password } = body(res);
    const normalised = acceptable(password, "#/password");
    // 201 {"email"} for a new address and a registered one alike, in the same time (the password is
    // hashed either way): the answer never tells which addresses have an account. A registered account
    // is left as it was, and the attempt is audited.
    const address = email.toLowerCase();
    const user = await store.users.create(address, await passwords.hash(normalised));
    if (user) audit.info({ event: "user_registered", user_id: user.id }, "user registered");
    else audit.info({ event: "registration_ignored", email_hash: Backoff.key(address) }, "registration of a taken address ignored");
    res.status(201).json({ email: address });
  });

  router.post("/api/v1/auth/login", limited, contract.validate("auth_login"), async (req, res) => {
    const { email, password } = body(res);
    const account = Backoff.key(email);
    const wait = backoff.wait(account);
    if (wait > 0) throw new HttpError(429, "too many failed logins for this account: retry later", [], { "Retry-After": String(wait) });
    const user = await store.users.byEmail(email.toLowerCase());
    const ok = await passwords.verify(user?.passwordHash ?? null, normalise(password));
    if (!ok || !user || !user.isActive) {
      backoff.failed(account);
      audit.info({ event: "login_failed", email_hash: account, ip: req.ip }, "login failed");
      throw unauthorized("invalid email or password");
    }
    backoff.succeeded(account);
    const session = await store.sessions.open(user.id, settings.refreshTokenDays * 86400_000);
    audit.info({ event: "login", user_id: user.id }, "login");
    res.json(await tokens(user.id, session.id, session.refreshJti));
  });

  // not rate limited: a refresh token is a signed 256-bit secret, and the contract documents no 429 here
  router.post("/api/v1/auth/refresh", contract.validate("auth_refresh"), async (req, res) => {
    const claims: Claims | null = await decodeToken(settings.secretKey, body(res).refresh_token, "refresh");
    const userId = claims ? Number(claims.sub) : NaN;
    const session = claims && Number.isSafeInteger(userId) ? await store.sessions.active(claims.sid, userId) : null;
    if (!claims || !session) throw unauthorized("invalid, expired or reused refresh token");
    const next = await store.sessions.rotate(session.id, claims.jti);
    if (!next) {
      audit.warn({ event: "refresh_reused", user_id: userId }, "refresh token reused: session revoked");
      throw unauthorized("invalid, expired or reused refresh token");
    }
    res.json(await tokens(userId, session.id, next));
  });

  router.post("/api/v1/auth/logout", authenticate(deps), contract.validate("auth_logout"), async (_req, res) => {
    await store.sessions.revoke(current(res).sessionId);
    res.status(204).end();
  });

  router.post("/api/v1/auth/password", authenticate(deps), contract.validate("auth_change_password"), async (_req, res) => {
    const { current_password: currentPassword, new_password: newPassword } = body(res);
    const { user, sessionId } = current(res);
    if (!(await passwords.verify(user.passwordHash, normalise(currentPassword)))) throw new HttpError(403, "the current password is wrong");
    const normalised = acceptable(newPassword, "#/new_password");
    await store.users.setPasswordHash(user.id, await passwords.hash(normalised));
    await store.sessions.revokeOthers(user.id, sessionId);
    audit.info({ event: "password_changed", user_id: user.id }, "password changed");
    res.status(204).end();
  });

  router.get("/api/v1/users/me", authenticate(deps), contract.validate("users_me"), (_req, res) => {
    res.json(publicUser(current(res).user));
  });

  return router;
}
