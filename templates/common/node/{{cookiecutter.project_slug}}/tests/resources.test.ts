/** Every endpoint of every entity, driven by tests/model.json (the same model the API was generated from). */
import type { Server } from "node:http";

import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Store } from "../src/data/store.js";
import { MODEL, type TestEntity, type TestUser, signUp, testApp } from "./helpers.js";

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

const byName = new Map(MODEL.entities.map((e) => [e.name, e]));

/** The next sample (4-7) each user may create as a parent of each entity: unique values stay unique. */
const parentSamples = new WeakMap<TestUser, Map<string, number>>();

function nextParent(user: TestUser, target: string): number {
  const used = parentSamples.get(user) ?? new Map<string, number>();
  parentSamples.set(user, used);
  const next = used.get(target) ?? 4;
  used.set(target, next + 1);
  return next;
}

/** A valid body for sample i, creating the required parents first. */
async function body(user: TestUser, entity: TestEntity, i: number): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = Object.fromEntries(entity.fields.map((f) => [f.name, f.samples[i]]));
  for (const relation of entity.many_to_one.filter((r) => r.required)) {
    const parent = await create(user, byName.get(relation.target)!, nextParent(user, relation.target));
    out[relation.column] = parent.id;
  }
  return out;
}

async function create(user: TestUser, entity: TestEntity, i: number): Promise<Record<string, unknown>> {
  const response = await request(app).post(entity.url).set(user.auth).send(await body(user, entity, i));
  expect(response.status, response.text).toBe(201);
  return response.body as Record<string, unknown>;
}

describe.each(MODEL.entities.map((e) => [e.name, e] as const))("%s", (_name, entity) => {
  it("creates, reads, updates and deletes", async () => {
    const user = await signUp(app);
    const sent = await body(user, entity, 0);
    const created = await request(app).post(entity.url).set(user.auth).send(sent);
    expect(created.status, created.text).toBe(201);
    for (const [key, value] of Object.entries(sent)) expect(created.body[key], key).toEqual(value);
    const url = `${entity.url}/${String(created.body.id)}`;
    expect(created.headers.location).toBe(url);
    const fetched = await request(app).get(url).set(user.auth);
    expect(fetched.body).toEqual(created.body);
    const field = entity.fields[0];
    const updated = await request(app).patch(url).set(user.auth).send({ [field.name]: field.changed });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body[field.name]).toEqual(field.changed);
    expect((await request(app).delete(url).set(user.auth)).status).toBe(204);
    expect((await request(app).get(url).set(user.auth)).status).toBe(404);
  });

  it("hides a row from other users (404)", async () => {
    const owner = await signUp(app);
    const other = await signUp(app);
    const row = await create(owner, entity, 0);
    const url = `${entity.url}/${String(row.id)}`;
    expect((await request(app).get(url).set(other.auth)).status).toBe(404);
    expect((await request(app).delete(url).set(other.auth)).status).toBe(404);
    const listed = await request(app).get(entity.url).set(other.auth);
    expect(listed.body.items).toEqual([]);
  });

  it("refuses invalid values with 422 problem details", async () => {
    const user = await signUp(app);
    const valid = await body(user, entity, 1);
    for (const field of entity.fields) {
      for (const value of field.invalid) {
        const response = await request(app).post(entity.url).set(user.auth).send({ ...valid, [field.name]: value });
        expect(response.status, `${field.name}=${JSON.stringify(value).slice(0, 40)}`).toBe(422);
        expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
      }
    }
    const unknown = await request(app).post(entity.url).set(user.auth).send({ ...valid, no_such_field: 1 });
    expect(unknown.status).toBe(422);
  });

  it("conflicts on unique fields with 409", async () => {
    const unique = entity.fields.filter((f) => f.unique);
    const user = await signUp(app);
    const row = await create(user, entity, 0);
    for (const field of unique) {
      const response = await request(app).post(entity.url).set(user.auth).send({ ...(await body(user, entity, 1)), [field.name]: row[field.name] });
      expect(response.status, field.name).toBe(409);
    }
  });

  it("paginates, sorts both ways and filters", async () => {
    const user = await signUp(app);
    const rows = [];
    for (let i = 0; i < 3; i++) rows.push(await create(user, entity, i));
    const ids = rows.map((r) => r.id).sort((a, b) => (String(a) < String(b) ? -1 : 1));
    if (MODEL.id_kind === "int") ids.sort((a, b) => Number(a) - Number(b));
    const page = await request(app).get(entity.url).query({ limit: 2, offset: 0, sort: "id" }).set(user.auth);
    expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(page.body.items.map((r: { id: unknown }) => r.id)).toEqual(ids.slice(0, 2));
    const down = await request(app).get(entity.url).query({ sort: "-id" }).set(user.auth);
    expect(down.body.items.map((r: { id: unknown }) => r.id)).toEqual([...ids].reverse());
    for (const sort of entity.sorts) expect((await request(app).get(entity.url).query({ sort }).set(user.auth)).status, sort).toBe(200);
    for (const params of [{ limit: 0 }, { limit: 101 }, { offset: -1 }, { sort: "no_such_field" }]) {
      expect((await request(app).get(entity.url).query(params).set(user.auth)).status).toBe(422);
    }
    const other = await signUp(app);
    const two = [await create(other, entity, 0), await create(other, entity, 1)];
    for (const name of entity.filters.filter((f) => entity.fields.some((field) => field.name === f))) {
      const filtered = await request(app).get(entity.url).query({ [name]: String(two[0][name]) }).set(other.auth);
      expect(filtered.body.items.map((r: { id: unknown }) => r.id), name).toEqual([two[0].id]);
    }
  });

  it("answers malformed or huge ids with a client error", async () => {
    const user = await signUp(app);
    for (const id of ["not-an-id", "9".repeat(40), "-1", "1e400", "NaN"]) {
      expect([400, 404, 422], id).toContain((await request(app).get(`${entity.url}/${id}`).set(user.auth)).status);
    }
  });

  it("needs credentials", async () => {
    expect((await request(app).get(entity.url)).status).toBe(401);
    expect((await request(app).post(entity.url).send({})).status).toBe(401);
  });
});
