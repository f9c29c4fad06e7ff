/**
 * The auth routes on Fastify (the logic is src/accounts.ts), and the hooks every route uses: `authenticate`
 * turns {% if cookiecutter.auth == "session-cookie" %}the session cookie (and, for unsafe methods, the CSRF token){% else %}a Bearer token{% endif %} into the current user (request.current), `validate` checks the request against
 * the contract (request.valid). The routes declare no Fastify schema: the contract is the only validator.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler, preValidationAsyncHookHandler } from "fastify";

import { type Accounts, type Current, type Reply, publicUser } from "./accounts.js";
import type { Contract, Validated } from "./contract.js";
import { perClient } from "./limits.js";

declare module "fastify" {
  interface FastifyRequest {
    /** the contract-checked values of the request, set by `validate` */
    valid: Validated | null;
    /** the authenticated user and session, set by `authenticate` */
    current: Current | null;
  }
}

export interface RouteDeps {
  readonly accounts: Accounts;
  readonly contract: Contract;
  readonly authRateLimitPerMinute: number;
}

/** The contract's checks of an operation, once the body is parsed; the checked values land in request.valid. */
export function validate(contract: Contract, operationId: string): preValidationAsyncHookHandler {
  return async (request) => {
    const { params, query, body } = request;
    request.valid = contract.check(operationId, { path: params as Record<string, unknown>, query: query as Record<string, unknown>, body });
  };
}

export function valid(request: FastifyRequest): Validated {
  return request.valid as Validated;
}

/** Before the body is even read: a request without valid credentials never gets it parsed. */
export function authenticate(accounts: Accounts): onRequestAsyncHookHandler {
  return async (request) => {
    request.current = await accounts.authenticate(request);
  };
}

export function current(request: FastifyRequest): Current {
  return request.current as Current;
}

/** Send a Reply: its cookies, then its body as JSON (or a 204 without one). */
function send(reply: FastifyReply, answer: Reply): FastifyReply {
  if (answer.cookies.length) reply.header("Set-Cookie", [...answer.cookies]);
  return answer.body ? reply.send(answer.body) : reply.code(204).send();
}

export function authRoutes(app: FastifyInstance, { accounts, contract, authRateLimitPerMinute }: RouteDeps): void {
  const limited = perClient(authRateLimitPerMinute);
  const onRequest = authenticate(accounts);

  app.post("/api/v1/auth/register", { ...limited, preValidation: validate(contract, "auth_register") }, async (request, reply) => {
    reply.code(201);
    return accounts.register(valid(request).body);
  });
  app.post("/api/v1/auth/login", { ...limited, preValidation: validate(contract, "auth_login") }, async (request, reply) => {
    return send(reply, await accounts.login(valid(request).body, request.ip));
  });
{%- if cookiecutter.auth == "jwt" %}
  // not rate limited: a refresh token is a signed 256-bit secret, and the contract documents no 429 here
  app.post("/api/v1/auth/refresh", { preValidation: validate(contract, "auth_refresh") }, async (request, reply) => {
    return send(reply, await accounts.refresh(valid(request).body));
  });
{%- endif %}
  app.post("/api/v1/auth/logout", { onRequest, preValidation: validate(contract, "auth_logout") }, async (request, reply) => {
    return send(reply, await accounts.logout(current(request)));
  });
  app.post("/api/v1/auth/password", { onRequest, preValidation: validate(contract, "auth_change_password") }, async (request, reply) => {
    await accounts.changePassword(current(request), valid(request).body);
    return reply.code(204).send();
  });
  app.get("/api/v1/users/me", { onRequest, preValidation: validate(contract, "users_me") }, async (request) => {
    return publicUser(current(request).user);
  });
}
