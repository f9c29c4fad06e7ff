/** What the NestJS adapter (src/app.ts, src/app.module.ts) adds around the routes: 405 with Allow on the
 * contract's paths, the contract file itself, readiness, and 500s that tell nothing. */
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

/** The app on a store whose every query fails, as when the database is down. */
async function withBrokenStore<T>(use: (broken: Server) => Promise<T>): Promise<T> {
  const down = () => Promise.reject(new Error("connection refused by 10.0.0.7:5432"));
  const users = new Proxy(store.users, { get: () => down });
  const broken = new Proxy(store, { get: (target, key) => (key === "ping" ? down : key === "users" ? users : Reflect.get(target, key)) });
  const settings = loadSettings({ ...process.env, AUTH_RATE_LIMIT_PER_MINUTE: "1000" });
  const server = await createServer({ store: broken, settings, logger: logger.child({}, { level: "silent" }) });
  try {
    return await use(server.server);
  } finally {
    await server.close();
  }
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
    await withBrokenStore(async (broken) => {
      const ready = await request(broken).get("/health/ready");
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: "unavailable" });
      const login = await request(broken).post("/api/v1/auth/login").send({ email: newEmail(), password: "a long enough passphrase 1" });
      expect(login.status).toBe(500);
      expect(login.body).toEqual({ type: "about:blank", title: "Internal Server Error", status: 500, detail: "internal error" });
      expect(login.text).not.toContain("10.0.0.7");
    });
  });
});
