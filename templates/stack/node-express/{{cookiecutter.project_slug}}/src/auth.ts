/**
 * The auth routes on Express (the logic is src/accounts.ts) and `authenticate`: the middleware that turns
 * {% if cookiecutter.auth == "session-cookie" %}the session cookie (and, for unsafe methods, the CSRF token){% else %}a Bearer token{% endif %} into the current user (res.locals.current).
 */
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from "express";

import { type Accounts, type Current, type Reply, publicUser } from "./accounts.js";
import type { Contract, Validated } from "./contract.js";
import { perClient } from "./limits.js";

export interface RouteDeps {
  readonly accounts: Accounts;
  readonly contract: Contract;
  readonly authRateLimitPerMinute: number;
}

/** The contract's checks of an operation; the checked values land in res.locals.valid. */
export function validate(contract: Contract, operationId: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    res.locals.valid = contract.check(operationId, { path: req.params, query: req.query as Record<string, unknown>, body: req.body });
    next();
  };
}

export function valid(res: Response): Validated {
  return res.locals.valid as Validated;
}

export function authenticate(accounts: Accounts): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    res.locals.current = await accounts.authenticate(req);
    next();
  };
}

export function current(res: Response): Current {
  return res.locals.current as Current;
}

/** Send a Reply: its cookies, then its body as JSON (or a 204 without one). */
function send(res: Response, reply: Reply): void {
  if (reply.cookies.length) res.append("Set-Cookie", [...reply.cookies]);
  if (reply.body) res.json(reply.body);
  else res.status(204).end();
}

export function authRouter({ accounts, contract, authRateLimitPerMinute }: RouteDeps): Router {
  const router = Router();
  const limited = perClient(authRateLimitPerMinute);
  const auth = authenticate(accounts);

  router.post("/api/v1/auth/register", limited, validate(contract, "auth_register"), async (_req, res) => {
    res.status(201).json(await accounts.register(valid(res).body));
  });
  router.post("/api/v1/auth/login", limited, validate(contract, "auth_login"), async (req, res) => {
    send(res, await accounts.login(valid(res).body, req.ip));
  });
{%- if cookiecutter.auth == "jwt" %}
  // not rate limited: a refresh token is a signed 256-bit secret, and the contract documents no 429 here
  router.post("/api/v1/auth/refresh", validate(contract, "auth_refresh"), async (_req, res) => {
    send(res, await accounts.refresh(valid(res).body));
  });
{%- endif %}
  router.post("/api/v1/auth/logout", auth, validate(contract, "auth_logout"), async (_req, res) => {
    send(res, await accounts.logout(current(res)));
  });
  router.post("/api/v1/auth/password", auth, validate(contract, "auth_change_password"), async (_req, res) => {
    await accounts.changePassword(current(res), valid(res).body);
    res.status(204).end();
  });
  router.get("/api/v1/users/me", auth, validate(contract, "users_me"), (_req, res) => {
    res.json(publicUser(current(res).user));
  });
  return router;
}
