/**
 * The Store on Prisma 7. prisma/schema.prisma has one model per table of prisma/migrations/, named after
 * it (field names are the column names); the entities of src/model.ts reach theirs through the client's
 * delegate of that name, so the routes stay driven by the model as data. Values are turned from their API form into
 * Prisma's and back by the codecs below (UUIDs are CHAR(32) hex on MySQL and SQLite, as in db/schema.sql;
 * decimals are read back as text with the field's scale; dates and timestamps are UTC).
 */

import { v7 as uuidv7 } from "uuid";

import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import { ENTITIES, ID_KIND, type Entity, type Field, entityNamed } from "../model.js";
import { prismaClient } from "./client.js";
import { type ListQuery, type Row, type RowId, type Session, type Store, StoreError, type User } from "./store.js";
import { type Codec, hexUuid, isoInstant, references, same, tokenId } from "./values.js";
import { PROVIDER } from "./url.js";

type Client = PrismaClient | Prisma.TransactionClient;
type Record_ = Record<string, unknown>;

/** The part of a model's delegate the Store calls: the generated types are per model, the entities are data. */
interface Delegate {
  findMany(args: object): Promise<Record_[]>;
  findFirst(args: object): Promise<Record_ | null>;
  count(args: object): Promise<number>;
  create(args: object): Promise<Record_>;
  update(args: object): Promise<Record_>;
  deleteMany(args: object): Promise<{ count: number }>;
  createMany(args: object): Promise<{ count: number }>;
}

/** `client.<model>`: the models of prisma/schema.prisma are named after their (lower-case) tables. */
function delegate(client: Client, table: string): Delegate {
  return (client as unknown as Record<string, Delegate>)[table];
}

/** Native on PostgreSQL; 32 hex digits elsewhere (CHAR(32) in db/schema.sql). Lower case in both. */
const uuidCodec: Codec =
  PROVIDER === "postgresql"
    ? { toDb: (v) => (typeof v === "string" ? v.toLowerCase() : v), fromDb: (v) => v }
    : hexUuid;

const instant: Codec = {
  toDb: (v) => (typeof v === "string" ? new Date(v) : v),
  fromDb: (v) => (v instanceof Date ? isoInstant(v) : v),
};

/** A date is a DateTime at midnight UTC for Prisma (a DATE column on PostgreSQL and MySQL). */
const dateOnly: Codec = {
  toDb: (v) => (typeof v === "string" ? new Date(`${v}T00:00:00Z`) : v),
  fromDb: (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
};

/** Decimals go in as text (exact) and come back as Prisma Decimals, written with the field's scale. */
function decimalCodec(scale: number): Codec {
  return { toDb: (v) => v, fromDb: (v) => (Prisma.Decimal.isDecimal(v) || typeof v === "number" ? new Prisma.Decimal(v).toFixed(scale) : v) };
}

/** Integer ids are BIGINT (a JavaScript bigint from Prisma) except on SQLite; the contract's are numbers. */
const idCodec: Codec =
  ID_KIND === "uuid" ? uuidCodec : { toDb: (v) => (typeof v === "string" ? Number(v) : v), fromDb: (v) => (typeof v === "bigint" ? Number(v) : v) };

function fieldCodec(field: Field): Codec {
  switch (field.type) {
    case "uuid":
      return uuidCodec;
    case "datetime":
      return instant;
    case "date":
      return dateOnly;
    case "decimal":
      return decimalCodec(field.scale ?? 0);
    default:
      return same;
  }
}

interface Table {
  readonly entity: Entity;
  readonly codecs: Map<string, Codec>;
  /** JSON columns: SQL NULL is Prisma.DbNull there (a bare null would mean nothing to Prisma) */
  readonly json: Set<string>;
}

function tableOf(entity: Entity): Table {
  const codecs = new Map<string, Codec>([["id", idCodec]]);
  for (const field of entity.fields) codecs.set(field.name, fieldCodec(field));
  for (const parent of entity.parents) codecs.set(parent.column, idCodec);
  codecs.set("created_at", instant);
  codecs.set("updated_at", instant);
  return { entity, codecs, json: new Set(entity.fields.filter((f) => f.type === "json").map((f) => f.name)) };
}

/** Unique violations (P2002) and rows still referenced by a `restrict` relation (P2003, P2014). */
function isConflict(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && ["P2002", "P2003", "P2014"].includes(error.code);
}

/** Ids in a stable order: numbers by value, UUIDs as text. */
function sortIds(ids: unknown[]): unknown[] {
  return ids.sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

class PrismaStore implements Store {
  private readonly tables: Map<string, Table>;

  constructor(private readonly client: PrismaClient) {
    this.tables = new Map(ENTITIES.map((entity) => [entity.name, tableOf(entity)]));
  }

  private table(entity: Entity): Table {
    const table = this.tables.get(entity.name);
    if (!table) throw new Error(`no table for ${entity.name}`);
    return table;
  }

  // --- users and sessions ----------------------------------------------------------------------
  readonly users = {
    create: async (email: string, passwordHash: string): Promise<User | null> => {
      try {
        return toUser(await this.client.users.create({ data: { email, password_hash: passwordHash, is_active: true, created_at: new Date() } }));
      } catch (error) {
        if (isConflict(error)) return null;
        throw error;
      }
    },
    byEmail: async (email: string): Promise<User | null> => {
      const record = await this.client.users.findUnique({ where: { email } });
      return record && toUser(record);
    },
    byId: async (id: number): Promise<User | null> => {
      const record = await this.client.users.findUnique({ where: { id } });
      return record && toUser(record);
    },
    setPasswordHash: async (id: number, passwordHash: string): Promise<void> => {
      await this.client.users.updateMany({ where: { id }, data: { password_hash: passwordHash } });
    },
  };

  readonly sessions = {
    open: async (userId: number, lifetimeMs: number): Promise<Session> => {
      const now = new Date();
      // a statement of its own, not one transaction with the insert: under a burst of logins, MariaDB's
      // gap locks would deadlock them
      await this.client.auth_sessions.deleteMany({ where: { user_id: userId, OR: [{ expires_at: { lte: now } }, { revoked_at: { not: null } }] } });
      const record = await this.client.auth_sessions.create({
        data: { id: tokenId(), user_id: userId, {% if cookiecutter.auth == "jwt" %}refresh_jti: tokenId(), {% endif %}created_at: now, expires_at: new Date(now.getTime() + lifetimeMs), revoked_at: null },
      });
      return toSession(record);
    },
    active: async (id: string, userId: number): Promise<Session | null> => {
      const record = await this.client.auth_sessions.findUnique({ where: { id } });
      if (!record || record.revoked_at !== null || record.expires_at.getTime() <= Date.now() || record.user_id !== userId) return null;
      return toSession(record);
    },
    revoke: async (id: string): Promise<void> => {
      await this.client.auth_sessions.updateMany({ where: { id }, data: { revoked_at: new Date() } });
    },
    revokeOthers: async (userId: number, keep: string): Promise<void> => {
      await this.client.auth_sessions.updateMany({ where: { user_id: userId, id: { not: keep }, revoked_at: null }, data: { revoked_at: new Date() } });
    },
{%- if cookiecutter.auth == "jwt" %}
    rotate: async (id: string, presentedJti: string): Promise<string | null> => {
      const next = tokenId();
      // one UPDATE that only matches the current token: of two refreshes with it, one wins
      const { count } = await this.client.auth_sessions.updateMany({ where: { id, refresh_jti: presentedJti, revoked_at: null }, data: { refresh_jti: next } });
      if (count === 1) return next;
      await this.sessions.revoke(id);
      return null;
    },
{%- endif %}
  };

  // --- the entities ----------------------------------------------------------------------------
  readonly rows = {
    list: async (entity: Entity, ownerId: number, query: ListQuery): Promise<{ items: Row[]; total: number }> => {
      const table = this.table(entity);
      const where: Record_ = { owner_id: ownerId };
      for (const [name, value] of Object.entries(query.filters)) where[name] = this.encode(table, name, value);
      const column = query.sort.replace(/^-/, "");
      const direction = query.sort.startsWith("-") ? "desc" : "asc";
      const orderBy = column === "id" ? [{ id: direction }] : [{ [column]: direction }, { id: "asc" }];
      const model = delegate(this.client, entity.table);
      const [records, total] = await Promise.all([model.findMany({ where, orderBy, take: query.limit, skip: query.offset }), model.count({ where })]);
      return { items: await this.present(this.client, table, records), total };
    },
    get: async (entity: Entity, ownerId: number, id: RowId): Promise<Row> => {
      const table = this.table(entity);
      return (await this.present(this.client, table, [await this.owned(this.client, table, ownerId, id)]))[0];
    },
    create: async (entity: Entity, ownerId: number, values: Row): Promise<Row> => {
      const table = this.table(entity);
      return this.write(async (tx) => {
        await this.checkReferences(tx, entity, ownerId, values);
        const now = new Date();
        const data: Record_ = { owner_id: ownerId, created_at: now, updated_at: now };
        if (ID_KIND === "uuid") data.id = this.encode(table, "id", uuidv7());
        for (const field of entity.fields) data[field.name] = this.encode(table, field.name, field.name in values ? values[field.name] : (field.default ?? null));
        for (const parent of entity.parents) data[parent.column] = this.encode(table, parent.column, values[parent.column] ?? null);
        const record = await delegate(tx, entity.table).create({ data });
        await this.setLinks(tx, table, record.id, values);
        return (await this.present(tx, table, [record]))[0];
      });
    },
    update: async (entity: Entity, ownerId: number, id: RowId, values: Row): Promise<Row> => {
      const table = this.table(entity);
      return this.write(async (tx) => {
        const record = await this.owned(tx, table, ownerId, id);
        await this.checkReferences(tx, entity, ownerId, values);
        const data: Record_ = { updated_at: new Date() };
        for (const name of [...entity.fields.map((f) => f.name), ...entity.parents.map((p) => p.column)]) {
          if (name in values) data[name] = this.encode(table, name, values[name]);
        }
        const saved = await delegate(tx, entity.table).update({ where: { id: record.id }, data });
        await this.setLinks(tx, table, record.id, values);
        return (await this.present(tx, table, [saved]))[0];
      });
    },
    remove: async (entity: Entity, ownerId: number, id: RowId): Promise<void> => {
      const table = this.table(entity);
      const { count } = await this.guard(() => delegate(this.client, entity.table).deleteMany({ where: { id: this.encode(table, "id", id), owner_id: ownerId } }));
      if (count === 0) throw new StoreError("not-found", `${entity.name} ${String(id)} not found`);
    },
  };

  async ping(): Promise<void> {
    await this.client.$queryRaw`SELECT 1`;
  }

  async close(): Promise<void> {
    await this.client.$disconnect();
  }

  // --- helpers ---------------------------------------------------------------------------------
  private encode(table: Table, column: string, value: unknown): unknown {
    if (value === null || value === undefined) return table.json.has(column) ? Prisma.DbNull : null;
    return (table.codecs.get(column) ?? same).toDb(value);
  }

  /** Constraint violations become a 409. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isConflict(error)) throw new StoreError("conflict", "the row conflicts with another one (a unique value, or a row that references it)");
      throw error;
    }
  }

  /** A transaction; constraint violations become a 409. */
  private write<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.guard(() => this.client.$transaction(work));
  }

  private async owned(client: Client, table: Table, ownerId: number, id: RowId): Promise<Record_> {
    const record = await delegate(client, table.entity.table).findFirst({ where: { id: this.encode(table, "id", id), owner_id: ownerId } });
    if (!record) throw new StoreError("not-found", `${table.entity.name} ${String(id)} not found`);
    return record;
  }

  /** Every referenced row (`<relation>_id`, `<relation>_ids`) must be one of the owner's. */
  private async checkReferences(client: Client, entity: Entity, ownerId: number, values: Row): Promise<void> {
    for (const [target, ids] of references(entity, values)) {
      const unique = [...new Set(ids.map((v) => idCodec.toDb(v)))];
      const found = await delegate(client, entityNamed(target).table).count({ where: { id: { in: unique }, owner_id: ownerId } });
      if (found !== unique.length) throw new StoreError("not-found", `${target} ${ids.map(String).join(", ")} not found`);
    }
  }

  /** Replace the rows of each many-to-many relation given in `values`. */
  private async setLinks(client: Client, table: Table, id: unknown, values: Row): Promise<void> {
    for (const link of table.entity.links) {
      const ids = values[link.field];
      if (!Array.isArray(ids)) continue;
      const model = delegate(client, link.table);
      await model.deleteMany({ where: { [link.left]: id } });
      const unique = [...new Set(ids.map((v) => idCodec.toDb(v)))];
      if (unique.length) await model.createMany({ data: unique.map((right) => ({ [link.left]: id, [link.right]: right })) });
    }
  }

  /** Records in their API form: decoded values, and the ids of every many-to-many relation. */
  private async present(client: Client, table: Table, records: Record_[]): Promise<Row[]> {
    const rows = records.map((record) => {
      const row: Row = {};
      for (const [name, codec] of table.codecs) row[name] = record[name] === null || record[name] === undefined ? null : codec.fromDb(record[name]);
      return row;
    });
    for (const link of table.entity.links) {
      const byLeft = new Map<string, unknown[]>();
      if (records.length) {
        const pairs = await delegate(client, link.table).findMany({ where: { [link.left]: { in: records.map((r) => r.id) } } });
        for (const pair of pairs) {
          const key = String(pair[link.left]);
          byLeft.set(key, [...(byLeft.get(key) ?? []), idCodec.fromDb(pair[link.right])]);
        }
      }
      records.forEach((record, i) => {
        rows[i][link.field] = sortIds(byLeft.get(String(record.id)) ?? []);
      });
    }
    return rows;
  }
}

function toUser(record: { id: number; email: string; password_hash: string; is_active: boolean; created_at: Date }): User {
  return { id: record.id, email: record.email, passwordHash: record.password_hash, isActive: record.is_active, createdAt: record.created_at };
}

function toSession(record: { id: string; user_id: number; {% if cookiecutter.auth == "jwt" %}refresh_jti: string; {% endif %}expires_at: Date; revoked_at: Date | null }): Session {
  return { id: record.id, userId: record.user_id, {% if cookiecutter.auth == "jwt" %}refreshJti: record.refresh_jti, {% endif %}expiresAt: record.expires_at, revokedAt: record.revoked_at };
}

export async function openStore(databaseUrl: string): Promise<Store> {
  const client = prismaClient(databaseUrl);
  await client.$connect();
  return new PrismaStore(client);
}
