{%- set db = cookiecutter.database -%}
/** `npm run migrate` (src/migrate.ts) against DATABASE_URL: what Prisma Migrate would record, once. */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { prismaClient } from "../src/data/client.js";
import { migrate } from "../src/migrate.js";

const url = process.env.DATABASE_URL ?? "";
const client = prismaClient(url);
let folders: string;

beforeAll(() => {
  folders = mkdtempSync(join(tmpdir(), "migrations-"));
});
afterAll(async () => {
  rmSync(folders, { recursive: true, force: true });
  await client.$disconnect();
});

interface Recorded {
  checksum: string;
  finished: number;
  rolled_back: number;
  steps: number;
  logs: string | null;
}

async function records(name: string): Promise<Recorded[]> {
  const rows = await client.$queryRaw<Record<string, unknown>[]>`
    SELECT checksum, CASE WHEN finished_at IS NULL THEN 0 ELSE 1 END AS finished,
      CASE WHEN rolled_back_at IS NULL THEN 0 ELSE 1 END AS rolled_back, applied_steps_count AS steps, logs
    FROM _prisma_migrations WHERE migration_name = ${name}`;
  return rows.map((r) => ({ checksum: String(r.checksum), finished: Number(r.finished), rolled_back: Number(r.rolled_back), steps: Number(r.steps), logs: r.logs === null ? null : String(r.logs) }));
}

/** A migrations folder holding one migration, `<name>/migration.sql`. */
function folder(name: string, script: string): URL {
  const root = join(folders, name);
  mkdirSync(join(root, name), { recursive: true });
  writeFileSync(join(root, name, "migration.sql"), script);
  return pathToFileURL(`${root}/`);
}

async function tableExists(table: string): Promise<boolean> {
  try {
    await client.$queryRawUnsafe(`SELECT COUNT(*) AS n FROM ${table}`);
    return true;
  } catch {
    return false;
  }
}

async function forget(name: string, table: string): Promise<void> {
  await client.$executeRawUnsafe(`DROP TABLE IF EXISTS ${table}`);
  await client.$executeRaw`DELETE FROM _prisma_migrations WHERE migration_name = ${name}`;
}

describe("npm run migrate", () => {
  it("records the first migration as prisma migrate deploy does, and applies nothing twice", async () => {
    const script = readFileSync(new URL("../prisma/migrations/0001_initial/migration.sql", import.meta.url), "utf8");
    const [record, ...others] = await records("0001_initial");
    expect(others).toEqual([]);
    expect(record).toEqual({ checksum: createHash("sha256").update(script).digest("hex"), finished: 1, rolled_back: 0, steps: 1, logs: null });
    expect(await migrate(url)).toEqual([]);
  });

  it("applies a new folder once, even when two runs start together", async () => {
    const suffix = randomBytes(4).toString("hex");
    const name = `9000_probe_${suffix}`;
    const table = `migration_probe_${suffix}`;
    const directory = folder(name, `CREATE TABLE ${table} (id INTEGER NOT NULL PRIMARY KEY);\n`);
    try {
      const runs = await Promise.all([migrate(url, directory), migrate(url, directory)]);
      expect(runs.flat()).toEqual([name]);
      expect(await tableExists(table)).toBe(true);
      expect((await records(name)).map((r) => r.finished)).toEqual([1]);
    } finally {
      await forget(name, table);
    }
  });

{%- if db == "mysql" %}

  it("records a script that fails halfway as failed, and stops there until it is resolved", async () => {
    const suffix = randomBytes(4).toString("hex");
    const name = `9001_broken_${suffix}`;
    const table = `migration_broken_${suffix}`;
    const directory = folder(name, `CREATE TABLE ${table} (id INTEGER NOT NULL PRIMARY KEY);\nCREATE TABLE ${table} (id INTEGER NOT NULL PRIMARY KEY);\n`);
    try {
      await expect(migrate(url, directory)).rejects.toThrow(/already exists/);
      const [record] = await records(name);
      expect(record).toMatchObject({ finished: 0, rolled_back: 0, steps: 0 });
      expect(record.logs).toMatch(/already exists/);
      await expect(migrate(url, directory)).rejects.toThrow(/failed in an earlier run/);
    } finally {
      await forget(name, table);
    }
  });
{%- else %}

  it("leaves no trace of a script that fails halfway: the migration and its record are one transaction", async () => {
    const suffix = randomBytes(4).toString("hex");
    const name = `9001_broken_${suffix}`;
    const table = `migration_broken_${suffix}`;
    const directory = folder(name, `CREATE TABLE ${table} (id INTEGER NOT NULL PRIMARY KEY);\nCREATE TABLE ${table} (id INTEGER NOT NULL PRIMARY KEY);\n`);
    try {
      await expect(migrate(url, directory)).rejects.toThrow(/already exists/);
      expect(await tableExists(table)).toBe(false);
      expect(await records(name)).toEqual([]);
    } finally {
      await forget(name, table);
    }
  });
{%- endif %}
});
