import type { Server } from "node:http";

import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Store } from "../src/data/store.js";
import { PASSWORD, {% if cookiecutter.auth == "session-cookie" %}cookiesOf, {% endif %}logIn, newEmail, signUp, testApp } from "./helpers.js";

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

describe("health", () => {
  it("is live and ready, with security headers and no banner", async () => {
    for (const path of ["/health/live", "/health/ready"]) {
      const response = await request(app).get(path);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: "ok" });
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
      expect(response.headers["x-frame-options"]).toBe("DENY");
      expect(response.headers["cache-control"]).toBe("no-store");
      expect(response.headers["x-powered-by"]).toBeUndefined();
    }
  });

  it("answers unknown routes with a problem+json 404", async () => {
    const response = await request(app).get("/no/such/route");
    expect(response.status).toBe(404);
    expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: "about:blank", title: "Not Found", status: 404 });
  });
});

describe("auth", () => {
  it("registers, logs in and shows the current user without a password", async () => {
    const user = await signUp(app);
    const me = await request(app).get("/api/v1/users/me").set(user.auth);
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(user.email);
    expect(Object.keys(me.body).some((key) => key.includes("password"))).toBe(false);
  });

  it("answers a taken address exactly like a new one, and keeps the account as it was", async () => {
    const user = await signUp(app);
    const again = await request(app).post("/api/v1/auth/register").send({ email: user.email, password: "another passphrase 99" });
    expect(again.status).toBe(201);
    expect(again.body).toEqual({ email: user.email });
    const old = await request(app).post("/api/v1/auth/login").send({ email: user.email, password: PASSWORD });
    expect(old.status).toBe(200);
  });

  it("refuses weak passwords with a pointer to the field", async () => {
    for (const password of ["short", " ".repeat(20), "password1234", "123456789012", "nul\u0000in the middle of it"]) {
      const response = await request(app).post("/api/v1/auth/register").send({ email: newEmail(), password });
      expect(response.status).toBe(422);
      expect(response.body.errors[0].pointer).toBe("#/password");
      expect(response.body).not.toHaveProperty("input");
    }
  });

  it("refuses unknown fields, malformed JSON and oversized bodies", async () => {
    const unknown = await request(app).post("/api/v1/auth/register").send({ email: newEmail(), password: PASSWORD, admin: true });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ pointer: "#/admin", detail: "is not allowed" }]);
    const malformed = await request(app).post("/api/v1/auth/login").set("Content-Type", "application/json").send('{"email": ');
    expect(malformed.status).toBe(400);
    const big = await request(app).post("/api/v1/auth/login").send({ email: newEmail(), password: "x".repeat(2 * 1024 * 1024) });
    expect(big.status).toBe(413);
  });

  it("answers a wrong password and an unknown email alike", async () => {
    const user = await signUp(app);
    const wrong = await request(app).post("/api/v1/auth/login").send({ email: user.email, password: "not the right passphrase" });
    const unknown = await request(app).post("/api/v1/auth/login").send({ email: newEmail(), password: "not the right passphrase" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toBe(unknown.text);
{%- if cookiecutter.auth == "jwt" %}
    expect(wrong.headers["www-authenticate"]).toBe("Bearer");
{%- endif %}
  });
{%- if cookiecutter.auth == "session-cookie" %}

  it("sets an HttpOnly session cookie and a readable CSRF cookie", async () => {
    const email = newEmail();
    await request(app).post("/api/v1/auth/register").send({ email, password: PASSWORD });
    const login = await request(app).post("/api/v1/auth/login").send({ email, password: PASSWORD });
    const sets = login.headers["set-cookie"] as unknown as string[];
    const session = sets.find((line) => line.startsWith("session="));
    const csrf = sets.find((line) => line.startsWith("csrf_token="));
    expect(session).toMatch(/; HttpOnly/i);
    expect(session).toMatch(/; SameSite=Lax/i);
    expect(session).toMatch(/; Path=\//i);
    expect(csrf).not.toMatch(/HttpOnly/i);
    expect(csrf).toContain(`csrf_token=${login.body.csrf_token}`);
  });

  it("refuses an unsafe request without the session's CSRF token, and keeps the session", async () => {
    const user = await signUp(app);
    const cookie = { Cookie: user.auth.Cookie };
    expect((await request(app).post("/api/v1/auth/logout").set(cookie)).status).toBe(403);
    expect((await request(app).post("/api/v1/auth/logout").set({ ...cookie, "X-CSRF-Token": "not-the-token" })).status).toBe(403);
    expect((await request(app).get("/api/v1/users/me").set(cookie)).status).toBe(200);
  });

  it("refuses a tampered session cookie", async () => {
    const user = await signUp(app);
    // one character of the signature changed (a full base64url character: never a padding bit)
    const tampered = user.auth.Cookie.replace(/session=([^;]+)/, (_m, token: string) => {
      const at = token.length - 10;
      return `session=${token.slice(0, at)}${token[at] === "A" ? "B" : "A"}${token.slice(at + 1)}`;
    });
    expect((await request(app).get("/api/v1/users/me").set({ Cookie: tampered })).status).toBe(401);
  });

  it("ends the session on logout and clears its cookies", async () => {
    const user = await signUp(app);
    const logout = await request(app).post("/api/v1/auth/logout").set(user.auth);
    expect(logout.status).toBe(204);
    expect(cookiesOf(logout)).toEqual(["session=", "csrf_token="]);
    expect((await request(app).get("/api/v1/users/me").set(user.auth)).status).toBe(401);
  });
{%- else %}

  it("rotates refresh tokens and kills the family on reuse", async () => {
    const user = await signUp(app);
    const first = await request(app).post("/api/v1/auth/refresh").send({ refresh_token: user.refresh });
    expect(first.status).toBe(200);
    const reused = await request(app).post("/api/v1/auth/refresh").send({ refresh_token: user.refresh });
    expect(reused.status).toBe(401);
    const after = await request(app).post("/api/v1/auth/refresh").send({ refresh_token: first.body.refresh_token });
    expect(after.status).toBe(401);
  });

  it("ends the session on logout", async () => {
    const user = await signUp(app);
    expect((await request(app).post("/api/v1/auth/logout").set(user.auth)).status).toBe(204);
    expect((await request(app).get("/api/v1/users/me").set(user.auth)).status).toBe(401);
  });
{%- endif %}

  it("changes the password and ends the other sessions", async () => {
    const laptop = await signUp(app);
    const phone = (await logIn(app, laptop.email)).auth;
    const wrong = await request(app).post("/api/v1/auth/password").set(laptop.auth).send({ current_password: "not it at all 123", new_password: "a brand new passphrase 42" });
    expect(wrong.status).toBe(403);
    const changed = await request(app).post("/api/v1/auth/password").set(laptop.auth).send({ current_password: PASSWORD, new_password: "a brand new passphrase 42" });
    expect(changed.status).toBe(204);
    expect((await request(app).get("/api/v1/users/me").set(phone)).status).toBe(401);
    expect((await request(app).get("/api/v1/users/me").set(laptop.auth)).status).toBe(200);
  });

  it("locks an account after repeated failures, not the others", async () => {
    const victim = await signUp(app);
    const statuses: number[] = [];
    for (let i = 0; i < 12 && !statuses.includes(429); i++) {
      statuses.push((await request(app).post("/api/v1/auth/login").send({ email: victim.email, password: "guess number 1234" })).status);
    }
    expect(statuses).toContain(429);
    await signUp(app);
  });
});
