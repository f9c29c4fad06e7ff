/**
 * The auth routes on Express (the logic is src/accounts.ts) and `authenticate`: the middleware that turns
 * a Bearer token into the current user (res.locals.current).
 */
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from "express";

import { type Accounts, type Current, publicUser } from "./accounts.js";
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
    res.locals.current = await accounts.authenticate(req.get("authorization"));
    next();
  };
}

export function current(res: Response): Current {
  return res.locals.current as Current;
}

export function authRouter({ accounts, contract, authRateLimitPerMinute }: RouteDeps): Router {
  const router = Router();
  const limited = perClient(authRateLimitPerMinute);
  const auth = authenticate(accounts);

  router.post("/api/v1/auth/register", limited, validate(contract, "auth_register"), async (_req, res) => {
    res.status(201).json(await accounts.register(valid(res).body));
  });
  router.post("/api/v1/auth/login", limited, validate(contract, "auth_login"), async (req, res) => {
    res.json(await accounts.login(valid(res).body, req.ip));
  });
  // not rate limited: a refresh token is a signed 256-bit secret, and the contract documents no 429 here
  router.post("/api/v1/auth/refresh", validate(contract, "auth_refresh"), async (_req, res) => {
    res.json(await accounts.refresh(valid(res).body));
  });
  router.post("/api/v1/auth/logout", auth, validate(contract, "auth_logout"), async (_req, res) => {
    await accounts.logout(current(res));
    res.status(204).end();
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
