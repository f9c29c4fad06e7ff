/** What the NestJS adapter (src/app.ts, src/app.module.ts) adds around the routes: 405 with Allow on the
 * contract's paths, the contract file itself, readiness, 500s that tell nothing, metrics, and the rate limit
 * per client address (src/throttle.guard.ts). */
import type { Server } from "node:http";

import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createServer } from "../src/app.js";
import { loadSettings } from "../src/config.js";
import { Contract } from "../src/contract.js";
import type { Store } from "../src/data/store.js";
import { logger } from "../src/logger.js";
import { MODEL, newEmail, testApp } from "./helpers.js";

let app: Server;
let store: Store;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ app, store, close } = await testApp());
});
afterAll(async () => {
  await close?.();
  await store?.close();
});

/** Another app on `on` (the test store by default) with these settings, for the time of `use`. */
async function withApp<T>(env: Record<string, string>, use: (other: Server) => Promise<T>, on: Store = store): Promise<T> {
  const settings = loadSettings({ ...process.env, TRUSTED_PROXIES: "", AUTH_RATE_LIMIT_PER_MINUTE: "1000", ...env });
  const server = await createServer({ store: on, settings, logger: logger.child({}, { level: "silent" }) });
  try {
    return await use(server.server);
  } finally {
    await server.close();
  }
}

/** The test store with every query failing, as when the database is down. */
function brokenStore(): Store {
  const down = () => Promise.reject(new Error("connection refused by 10.0.0.7:5432"));
  const users = new Proxy(store.users, { get: () => down });
  return new Proxy(store, { get: (target, key) => (key === "ping" ? down : key === "users" ? users : Reflect.get(target, key)) });
}

/** The statuses of `count` failed logins sent as from `address` (X-Forwarded-For). */
async function logins(app: Server, address: string, count: number): Promise<request.Response[]> {
  const responses = [];
  for (let i = 0; i < count; i++) {
    const body = { email: newEmail(), password: "not registered at all 1" };
    responses.push(await request(app).post("/api/v1/auth/login").set("X-Forwarded-For", address).send(body));
  }
  return responses;
}

describe("methods", () => {
  it("answers a method the contract does not list on its path with 405 and Allow", async () => {
    const entity = MODEL.entities[0];
    const cases: [string, string, string][] = [
      ["delete", "/api/v1/auth/login", "POST"],
      ["put", entity.url, "GET, POST"],
      ["put", `${entity.url}/1`, "GET, PATCH, DELETE"],
    ];
    for (const [method, path, allow] of cases) {
      const response = await request(app)[method as "put" | "delete"](path);
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.allow).toBe(allow);
      expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(response.headers["x-frame-options"]).toBe("DENY");
    }
  });

  it("still serves the listed methods of those paths", async () => {
    const login = await request(app).post("/api/v1/auth/login").send({ email: newEmail(), password: "not registered at all 1" });
    expect(login.status).toBe(401);
    expect((await request(app).head("/health/live")).status).toBe(200);
  });
});

describe("platform", () => {
  it("serves the contract file itself", async () => {
    const response = await request(app).get("/openapi.yaml");
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^application\/yaml/);
    expect(response.text).toBe(new Contract().text);
  });

  it("is not ready when the database is down, and answers a failing query with a bare 500", async () => {
    await withApp({}, async (broken) => {
      const ready = await request(broken).get("/health/ready");
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: "unavailable" });
      const login = await request(broken).post("/api/v1/auth/login").send({ email: newEmail(), password: "a long enough passphrase 1" });
      expect(login.status).toBe(500);
      expect(login.body).toEqual({ type: "about:blank", title: "Internal Server Error", status: 500, detail: "internal error" });
      expect(login.text).not.toContain("10.0.0.7");
    }, brokenStore());
  });
{%- if "metrics" in (cookiecutter.decisions.get("observability") or "") %}

  it("exposes Prometheus metrics labelled by route, not by path", async () => {
    const entity = MODEL.entities[0];
    await request(app).put(`${entity.url}/12345`);
    const response = await request(app).get("/metrics");
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/plain/);
    expect(response.text).toContain("# TYPE http_requests_total counter");
    expect(response.text).not.toContain(`${entity.url}/12345`);
  });
{%- endif %}
});

describe("rate limits", () => {
  it("limits the auth routes per client address, the one X-Forwarded-For names behind a trusted proxy", async () => {
    await withApp({ AUTH_RATE_LIMIT_PER_MINUTE: "3", TRUSTED_PROXIES: "127.0.0.1,::1,::ffff:127.0.0.1" }, async (limited) => {
      const first = await logins(limited, "203.0.113.5", 4);
      expect(first.map((r) => r.status)).toEqual([401, 401, 401, 429]);
      expect(Number(first[3].headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(first[3].headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect((await logins(limited, "203.0.113.6", 1))[0].status).toBe(401);
    });
  });

  it("ignores X-Forwarded-For from a client that is not a trusted proxy", async () => {
    await withApp({ AUTH_RATE_LIMIT_PER_MINUTE: "3" }, async (limited) => {
      await logins(limited, "203.0.113.7", 3);
      expect((await logins(limited, "203.0.113.8", 1))[0].status).toBe(429);
    });
  });
});
