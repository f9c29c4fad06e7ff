{%- set db = cookiecutter.database -%}
/**
 * `npm run migrate`: apply the pending folders of prisma/migrations/ to DATABASE_URL as
 * `prisma migrate deploy` does, without Prisma's schema engine (a native binary the CLI downloads, which
 * not every build or runtime image can). Each migration.sql runs whole, in folder-name order,
{%- if db == "mysql" %}
 * (MySQL commits every DDL statement at once: a script that fails halfway is recorded as failed, with its
 * error in `logs`, and later runs stop there, as Prisma's do, until it is resolved),
{%- else %}
 * in a transaction of its own with its record,
{%- endif %}
 * and is recorded in Prisma's `_prisma_migrations` table with the columns and the checksum (sha256 of the
 * file) Prisma Migrate writes: `prisma migrate deploy` and `prisma migrate status` see it as applied.
{%- if db == "postgresql" %}
 * Concurrent runs wait for each other on the advisory lock Prisma Migrate takes (pg_advisory_lock(72707369)).
{%- elif db == "mysql" %}
 * Concurrent runs wait for each other on the named lock Prisma Migrate takes (GET_LOCK('prisma_migrate')).
{%- else %}
 * Concurrent runs wait for each other: each migration is a BEGIN IMMEDIATE transaction (SQLite's write
 * lock) that checks the table again before it applies anything.
{%- endif %}
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";

{% if db == "postgresql" -%}
import pg from "pg";

import { checkScheme } from "./data/url.js";
{%- elif db == "mysql" -%}
import mariadb from "mariadb";

import { checkScheme, mariadbConfig } from "./data/url.js";
{%- else -%}
import Database from "better-sqlite3";

import { checkScheme, sqlitePath } from "./data/url.js";
{%- endif %}
import { migrationCommand } from "./data/commands.js";

/** prisma/migrations/ of the project, from src/ (tests) and dist/ (the built app) alike */
const MIGRATIONS = new URL("../prisma/migrations/", import.meta.url);

export interface Migration {
  readonly name: string;
  readonly script: string;
  /** as Prisma Migrate computes it: the sha256 of migration.sql, in hex */
  readonly checksum: string;
}

/** The folders of prisma/migrations/ that hold a migration.sql, in name order. */
export function migrations(directory: URL = MIGRATIONS): Migration[] {
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(new URL(`${entry.name}/migration.sql`, directory)))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const script = readFileSync(new URL(`${name}/migration.sql`, directory), "utf8");
      return { name, script, checksum: createHash("sha256").update(script).digest("hex") };
    });
}

interface Applied {
  readonly finished: boolean;
  readonly rolledBack: boolean;
}

/** What applying needs from a database: one connection, held for the whole run. */
interface Target {
  /** wait until no other run (this one's or `prisma migrate deploy`) is applying */
  lock(): Promise<void>;
  createTable(): Promise<void>;
  /** apply one migration (or do nothing and return false when another run did meanwhile) */
  apply(migration: Migration): Promise<boolean>;
  close(): Promise<void>;
}

/** Stop at a migration that failed before: Prisma Migrate would (P3009) until it is resolved. */
function checkRecords(migration: Migration, records: readonly Applied[]): boolean {
  const live = records.filter((r) => !r.rolledBack);
  if (live.some((r) => r.finished)) return false;
  if (live.length) throw new Error(`migration ${migration.name} failed in an earlier run: fix the database, then mark it with \`prisma migrate resolve\``);
  return true;
}
{%- if db == "postgresql" %}

/** The table as the schema engine creates it (sql-schema-connector, PostgreSQL flavour). */
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

async function connect(databaseUrl: string): Promise<Target> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return {
    lock: async () => {
      await client.query("SELECT pg_advisory_lock(72707369)");
    },
    createTable: async () => {
      await client.query(CREATE_TABLE);
    },
    apply: async (migration) => {
      await client.query("BEGIN");
      try {
        const found = await client.query<{ finished: boolean; rolled_back: boolean }>(
          `SELECT finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back FROM "_prisma_migrations" WHERE migration_name = $1`,
          [migration.name],
        );
        if (!checkRecords(migration, found.rows.map((r) => ({ finished: r.finished, rolledBack: r.rolled_back })))) {
          await client.query("ROLLBACK");
          return false;
        }
        // no parameters: the simple query protocol, which runs a script of many statements
        await client.query(migration.script);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, finished_at, applied_steps_count) VALUES ($1, $2, $3, NULL, now(), clock_timestamp(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query("COMMIT");
        return true;
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    },
    // ending the session releases the advisory lock
    close: () => client.end(),
  };
}
{%- elif db == "mysql" %}

/** The table as the schema engine creates it (sql-schema-connector, MySQL flavour). */
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4`;

/** seconds a run waits for another one to finish */
const LOCK_WAIT = 600;

async function connect(databaseUrl: string): Promise<Target> {
  // multipleStatements for the scripts only: the app's own connections never allow them
  const connection = await mariadb.createConnection({ ...mariadbConfig(databaseUrl), multipleStatements: true });
  return {
    lock: async () => {
      const [row] = (await connection.query(`SELECT GET_LOCK('prisma_migrate', ${LOCK_WAIT}) AS locked`)) as { locked: number | bigint | null }[];
      if (Number(row.locked) !== 1) throw new Error(`another run held the migration lock for ${LOCK_WAIT} s`);
    },
    createTable: async () => {
      await connection.query(CREATE_TABLE);
    },
    apply: async (migration) => {
      const found = (await connection.query(
        "SELECT finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back FROM _prisma_migrations WHERE migration_name = ?",
        [migration.name],
      )) as { finished: number | bigint; rolled_back: number | bigint }[];
      if (!checkRecords(migration, found.map((r) => ({ finished: Number(r.finished) === 1, rolledBack: Number(r.rolled_back) === 1 })))) return false;
      // recorded first, as Prisma Migrate does: DDL cannot be rolled back here, so a failure stays visible
      const id = randomUUID();
      await connection.query("INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES (?, ?, ?, UTC_TIMESTAMP(3))", [id, migration.checksum, migration.name]);
      try {
        await connection.query(migration.script);
      } catch (error) {
        await connection.query("UPDATE _prisma_migrations SET logs = ? WHERE id = ?", [error instanceof Error ? error.message : String(error), id]);
        throw error;
      }
      await connection.query("UPDATE _prisma_migrations SET finished_at = UTC_TIMESTAMP(3), applied_steps_count = 1 WHERE id = ?", [id]);
      return true;
    },
    // ending the session releases the named lock
    close: () => connection.end(),
  };
}
{%- else %}

/** The table as the schema engine creates it (sql-schema-connector, SQLite flavour). */
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

/** milliseconds a run waits for another one's write lock */
const LOCK_WAIT = 600_000;

async function connect(databaseUrl: string): Promise<Target> {
  const database = new Database(sqlitePath(databaseUrl), { timeout: LOCK_WAIT });
  return {
    // each migration's BEGIN IMMEDIATE is the lock
    lock: async () => undefined,
    createTable: async () => {
      database.exec(CREATE_TABLE);
    },
    apply: async (migration) => {
      database.exec("BEGIN IMMEDIATE");
      try {
        const found = database
          .prepare("SELECT finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back FROM _prisma_migrations WHERE migration_name = ?")
          .all(migration.name) as { finished: number; rolled_back: number }[];
        if (!checkRecords(migration, found.map((r) => ({ finished: r.finished === 1, rolledBack: r.rolled_back === 1 })))) {
          database.exec("ROLLBACK");
          return false;
        }
        const started = Date.now();
        database.exec(migration.script);
        // the schema engine stores SQLite timestamps as Unix milliseconds
        database
          .prepare("INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at, finished_at, applied_steps_count) VALUES (?, ?, ?, NULL, ?, ?, 1)")
          .run(randomUUID(), migration.checksum, migration.name, started, Date.now());
        database.exec("COMMIT");
        return true;
      } catch (error) {
        if (database.inTransaction) database.exec("ROLLBACK");
        throw error;
      }
    },
    close: async () => {
      database.close();
    },
  };
}
{%- endif %}

/** Apply the pending migrations (of prisma/migrations/ unless told); the names of those applied, in order. */
export async function migrate(databaseUrl: string, directory: URL = MIGRATIONS): Promise<string[]> {
  checkScheme(databaseUrl);
  const pending = migrations(directory);
  const target = await connect(databaseUrl);
  try {
    await target.lock();
    await target.createTable();
    const applied: string[] = [];
    for (const migration of pending) {
      if (await target.apply(migration)) applied.push(migration.name);
    }
    return applied;
  } finally {
    await target.close();
  }
}

migrationCommand(import.meta.url, migrate);
