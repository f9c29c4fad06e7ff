/** The app under test on the database of DATABASE_URL, and users that register and log in through it. */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

import type { Server } from "node:http";

import request from "supertest";

import { createServer } from "../src/app.js";
import { loadSettings } from "../src/config.js";
import { openStore } from "../src/data/index.js";
import type { Store } from "../src/data/store.js";
import { logger } from "../src/logger.js";

export const PASSWORD = "correct horse battery staple 9";

export interface TestField {
  name: string;
  type: string;
  required: boolean;
  unique: boolean;
  samples: unknown[];
  changed: unknown;
  invalid: unknown[];
}

export interface TestEntity {
  name: string;
  url: string;
  fields: TestField[];
  many_to_one: { column: string; target: string; required: boolean }[];
  many_to_many: { field: string; target: string }[];
  sorts: string[];
  filters: string[];
}

/** tests/model.json: the stack-neutral test model backend-expert computed (long texts in compact form). */
export const MODEL = JSON.parse(readFileSync(new URL("./model.json", import.meta.url), "utf8"), (_key, value: unknown) => {
  if (value && typeof value === "object" && "prefix" in value && "length" in value) {
    const { prefix, length } = value as { prefix: string; length: number };
    return (prefix + "x".repeat(length)).slice(0, length);
  }
  return value;
}) as { id_kind: "uuid" | "int"; entities: TestEntity[] };

/** The app on a server supertest starts per request, its store, and how to close the app. */
export async function testApp(): Promise<{ app: Server; store: Store; close: () => Promise<void> }> {
  const settings = loadSettings({ ...process.env, TRUSTED_PROXIES: "127.0.0.1,::1,::ffff:127.0.0.1", AUTH_RATE_LIMIT_PER_MINUTE: "1000" });
  const store = await openStore(settings.databaseUrl);
  const app = await createServer({ store, settings, logger: logger.child({}, { level: "silent" }) });
  return { app: app.server, store, close: () => app.close() };
}

export function newEmail(): string {
  return `user-${randomUUID().slice(0, 12)}@example.com`;
}

{%- if cookiecutter.auth == "session-cookie" %}
export interface TestUser {
  email: string;
  csrf: string;
  /** the session and CSRF cookies, and the CSRF header that unsafe methods need */
  auth: Record<string, string>;
}

/** `name=value` of each Set-Cookie header of a response (the attributes left out). */
export function cookiesOf(response: request.Response): string[] {
  const sets = response.headers["set-cookie"] as unknown as string[] | undefined;
  return (sets ?? []).map((line) => line.split(";")[0]);
}

export async function logIn(app: Server, email: string, password = PASSWORD): Promise<TestUser> {
  const login = await request(app).post("/api/v1/auth/login").send({ email, password });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`);
  const csrf = (login.body as { csrf_token: string }).csrf_token;
  return { email, csrf, auth: { Cookie: cookiesOf(login).join("; "), "X-CSRF-Token": csrf } };
}
{%- else %}
export interface TestUser {
  email: string;
  token: string;
  refresh: string;
  auth: Record<string, string>;
}

export async function logIn(app: Server, email: string, password = PASSWORD): Promise<TestUser> {
  const login = await request(app).post("/api/v1/auth/login").send({ email, password });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`);
  const body = login.body as { access_token: string; refresh_token: string };
  return { email, token: body.access_token, refresh: body.refresh_token, auth: { Authorization: `Bearer ${body.access_token}` } };
}
{%- endif %}

/** A new account, registered and logged in through the API. */
export async function signUp(app: Server, email = newEmail(), password = PASSWORD): Promise<TestUser> {
  const registered = await request(app).post("/api/v1/auth/register").send({ email, password });
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${registered.text}`);
  return logIn(app, email, password);
}
