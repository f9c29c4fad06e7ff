/**
 * The Store on TypeORM. The tables are those of src/migrations/ (synchronize stays off); an EntitySchema
 * per table, built from src/model.ts, gives TypeORM the column types it converts values with. Values are
 * turned from their API form into the database's and back by the codecs below (UUIDs are CHAR(32) hex
 * on MySQL and SQLite, as in db/schema.sql; decimals stay text; timestamps are UTC).
 */
import { DataSource, EntitySchema, type EntitySchemaColumnOptions, type EntityManager, In, {% if cookiecutter.auth == "jwt" %}IsNull, {% endif %}QueryFailedError } from "typeorm";
import { v7 as uuidv7 } from "uuid";

import { ENTITIES, ID_KIND, type Entity, type Field, entityNamed } from "../model.js";
import { type Dialect, dataSource, dialectOf } from "./source.js";
import { type ListQuery, type Row, type RowId, type Session, type Store, StoreError, type User } from "./store.js";
import { type Codec, hexUuid, isoInstant, references, same, tokenId } from "./values.js";

function uuidCodec(dialect: Dialect): Codec {
  return dialect === "postgres" ? same : hexUuid;
}

const instant: Codec = {
  toDb: (v) => (typeof v === "string" ? new Date(v) : v),
  fromDb: (v) => (v instanceof Date ? isoInstant(v) : typeof v === "string" ? isoInstant(new Date(v)) : v),
};

function decimalCodec(scale: number): Codec {
  return { toDb: (v) => v, fromDb: (v) => (typeof v === "number" ? v.toFixed(scale) : v) };
}

const dateOnly: Codec = {
  toDb: (v) => v,
  fromDb: (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
};

function idCodec(dialect: Dialect): Codec {
  if (ID_KIND === "uuid") return uuidCodec(dialect);
  return { toDb: (v) => v, fromDb: (v) => (v === null || v === undefined ? v : Number(v)) };
}

function fieldCodec(field: Field, dialect: Dialect): Codec {
  switch (field.type) {
    case "uuid":
      return uuidCodec(dialect);
    case "datetime":
      return instant;
    case "decimal":
      return decimalCodec(field.scale ?? 0);
    case "date":
      return dateOnly;
    default:
      return same;
  }
}

/** UUIDs: native on PostgreSQL, 32 hex digits elsewhere (CHAR(32) in db/schema.sql; SQLite has no CHAR). */
function uuidColumn(dialect: Dialect): EntitySchemaColumnOptions {
  if (dialect === "postgres") return { type: "uuid" };
  return { type: dialect === "mysql" ? "char" : "varchar", length: 32 };
}

function idColumn(dialect: Dialect): EntitySchemaColumnOptions {
  if (ID_KIND === "uuid") return uuidColumn(dialect);
  return { type: dialect === "better-sqlite3" ? "integer" : "bigint" };
}

/** JSON on MySQL/MariaDB: mysql2 already parses JSON columns, and TypeORM's `json` type would parse the
 * result again (a JSON string "123" came back as the number 123); written as JSON text, read as parsed. */
const JSON_TEXT = {
  to: (value: unknown) => (value === null || value === undefined ? value : JSON.stringify(value)),
  from: (value: unknown) => value,
};

function fieldColumn(field: Field, dialect: Dialect): EntitySchemaColumnOptions {
  const nullable = !field.required;
  switch (field.type) {
    case "integer":
      return { type: "int", nullable };
    case "decimal":
      return { type: "decimal", nullable };
    case "boolean":
      return { type: "boolean", nullable };
    case "date":
      return { type: "date", nullable };
    case "datetime":
      return { type: timestampType(dialect), nullable };
    case "uuid":
      return { ...uuidColumn(dialect), nullable };
    case "json":
      if (dialect === "mysql") return { type: "longtext", nullable, transformer: JSON_TEXT };
      return { type: dialect === "better-sqlite3" ? "simple-json" : "json", nullable };
    default:
      return { type: field.type === "text" ? "text" : "varchar", nullable };
  }
}

function timestampType(dialect: Dialect): EntitySchemaColumnOptions["type"] {
  return dialect === "postgres" ? "timestamp with time zone" : "datetime";
}

interface Table {
  readonly entity: Entity;
  readonly schema: EntitySchema;
  readonly codecs: Map<string, Codec>;
}

function tableOf(entity: Entity, dialect: Dialect): Table {
  const id = idColumn(dialect);
  const columns: Record<string, EntitySchemaColumnOptions> = {
    id: { ...id, primary: true, generated: ID_KIND === "int" ? "increment" : undefined },
    owner_id: { type: "int" },
  };
  const codecs = new Map<string, Codec>([["id", idCodec(dialect)]]);
  for (const field of entity.fields) {
    columns[field.name] = fieldColumn(field, dialect);
    codecs.set(field.name, fieldCodec(field, dialect));
  }
  for (const parent of entity.parents) {
    columns[parent.column] = { ...id, nullable: true };
    codecs.set(parent.column, idCodec(dialect));
  }
  for (const name of ["created_at", "updated_at"]) {
    columns[name] = { type: timestampType(dialect) };
    codecs.set(name, instant);
  }
  return { entity, schema: new EntitySchema({ name: entity.name, tableName: entity.table, columns }), codecs };
}

function joinSchema(table: string, left: string, right: string, dialect: Dialect): EntitySchema {
  const id = idColumn(dialect);
  return new EntitySchema({ name: table, tableName: table, columns: { [left]: { ...id, primary: true }, [right]: { ...id, primary: true } } });
}

const userSchema = (dialect: Dialect) =>
  new EntitySchema<{ id: number; email: string; password_hash: string; is_active: boolean; created_at: Date }>({
    name: "users",
    tableName: "users",
    columns: {
      id: { type: "int", primary: true, generated: "increment" },
      email: { type: "varchar", length: 320 },
      password_hash: { type: "varchar", length: 255 },
      is_active: { type: "boolean", default: true },
      created_at: { type: timestampType(dialect), createDate: true },
    },
  });

interface SessionRecord {
  id: string;
  user_id: number;
{%- if cookiecutter.auth == "jwt" %}
  refresh_jti: string;
{%- endif %}
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

const sessionSchema = (dialect: Dialect) =>
  new EntitySchema<SessionRecord>({
    name: "auth_sessions",
    tableName: "auth_sessions",
    columns: {
      id: { type: "varchar", length: 64, primary: true },
      user_id: { type: "int" },
{%- if cookiecutter.auth == "jwt" %}
      refresh_jti: { type: "varchar", length: 64 },
{%- endif %}
      created_at: { type: timestampType(dialect) },
      expires_at: { type: timestampType(dialect) },
      revoked_at: { type: timestampType(dialect), nullable: true },
    },
  });

/** Unique violations and rows still referenced (ON DELETE RESTRICT), on each driver. */
function isConflict(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driver = error.driverError as { code?: string; errno?: number };
  return (
    ["23505", "23503", "ER_DUP_ENTRY", "ER_ROW_IS_REFERENCED_2", "ER_ROW_IS_REFERENCED", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_FOREIGNKEY", "SQLITE_CONSTRAINT_PRIMARYKEY"].includes(driver.code ?? "") ||
    driver.errno === 1062 ||
    driver.errno === 1451
  );
}

class TypeOrmStore implements Store {
  private readonly tables: Map<string, Table>;

  constructor(
    private readonly source: DataSource,
    private readonly dialect: Dialect,
    tables: Table[],
  ) {
    this.tables = new Map(tables.map((t) => [t.entity.name, t]));
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
        const saved = await this.source.getRepository("users").save({ email, password_hash: passwordHash, is_active: true });
        return await this.users.byId(saved.id as number);
      } catch (error) {
        if (isConflict(error)) return null;
        throw error;
      }
    },
    byEmail: async (email: string): Promise<User | null> => toUser(await this.source.getRepository("users").findOneBy({ email })),
    byId: async (id: number): Promise<User | null> => toUser(await this.source.getRepository("users").findOneBy({ id })),
    setPasswordHash: async (id: number, passwordHash: string): Promise<void> => {
      await this.source.getRepository("users").update({ id }, { password_hash: passwordHash });
    },
  };

  readonly sessions = {
    open: async (userId: number, lifetimeMs: number): Promise<Session> => {
      const repo = this.source.getRepository<SessionRecord>("auth_sessions");
      const now = new Date();
      await repo
        .createQueryBuilder()
        .delete()
        .where("user_id = :userId AND (expires_at <= :now OR revoked_at IS NOT NULL)", { userId, now })
        .execute();
      const record: SessionRecord = { id: tokenId(), user_id: userId, {% if cookiecutter.auth == "jwt" %}refresh_jti: tokenId(), {% endif %}created_at: now, expires_at: new Date(now.getTime() + lifetimeMs), revoked_at: null };
      await repo.insert(record);
      return toSession(record);
    },
    active: async (id: string, userId: number): Promise<Session | null> => {
      const record = await this.source.getRepository<SessionRecord>("auth_sessions").findOneBy({ id });
      if (!record || record.revoked_at !== null || record.expires_at.getTime() <= Date.now() || record.user_id !== userId) return null;
      return toSession(record);
    },
    revoke: async (id: string): Promise<void> => {
      await this.source.getRepository<SessionRecord>("auth_sessions").update({ id }, { revoked_at: new Date() });
    },
    revokeOthers: async (userId: number, keep: string): Promise<void> => {
      await this.source
        .getRepository<SessionRecord>("auth_sessions")
        .createQueryBuilder()
        .update()
        .set({ revoked_at: new Date() })
        .where("user_id = :userId AND id <> :keep AND revoked_at IS NULL", { userId, keep })
        .execute();
    },
{%- if cookiecutter.auth == "jwt" %}
    rotate: async (id: string, presentedJti: string): Promise<string | null> => {
      const repo = this.source.getRepository<SessionRecord>("auth_sessions");
      const next = tokenId();
      const result = await repo.update({ id, refresh_jti: presentedJti, revoked_at: IsNull() }, { refresh_jti: next });
      if (result.affected === 1) return next;
      await this.sessions.revoke(id);
      return null;
    },
{%- endif %}
  };

  // --- the entities ----------------------------------------------------------------------------
  readonly rows = {
    list: async (entity: Entity, ownerId: number, query: ListQuery): Promise<{ items: Row[]; total: number }> => {
      const table = this.table(entity);
      const builder = this.source.getRepository(entity.name).createQueryBuilder("t").where("t.owner_id = :ownerId", { ownerId });
      for (const [name, value] of Object.entries(query.filters)) {
        builder.andWhere(`t.${name} = :f_${name}`, { [`f_${name}`]: this.encode(table, name, value) });
      }
      const column = query.sort.replace(/^-/, "");
      builder.orderBy(`t.${column}`, query.sort.startsWith("-") ? "DESC" : "ASC");
      if (column !== "id") builder.addOrderBy("t.id", "ASC");
      const [records, total] = await builder.take(query.limit).skip(query.offset).getManyAndCount();
      return { items: await this.present(this.source.manager, table, records), total };
    },
    get: async (entity: Entity, ownerId: number, id: RowId): Promise<Row> => {
      const table = this.table(entity);
      const record = await this.owned(this.source.manager, table, ownerId, id);
      return (await this.present(this.source.manager, table, [record]))[0];
    },
    create: async (entity: Entity, ownerId: number, values: Row): Promise<Row> => {
      const table = this.table(entity);
      return this.write(async (manager) => {
        const now = new Date();
        const record: Record<string, unknown> = { owner_id: ownerId, created_at: now, updated_at: now };
        if (ID_KIND === "uuid") record.id = this.encode(table, "id", uuidv7());
        for (const field of entity.fields) {
          const value = field.name in values ? values[field.name] : (field.default ?? null);
          record[field.name] = this.encode(table, field.name, value);
        }
        await this.checkReferences(manager, entity, ownerId, values);
        for (const parent of entity.parents) record[parent.column] = this.encode(table, parent.column, values[parent.column] ?? null);
        const inserted = await manager.getRepository(entity.name).insert(record);
        const id = ID_KIND === "uuid" ? record.id : inserted.identifiers[0].id;
        await this.setLinks(manager, entity, id, values);
        return (await this.present(manager, table, [await manager.getRepository(entity.name).findOneByOrFail({ id })]))[0];
      });
    },
    update: async (entity: Entity, ownerId: number, id: RowId, values: Row): Promise<Row> => {
      const table = this.table(entity);
      return this.write(async (manager) => {
        const record = await this.owned(manager, table, ownerId, id);
        await this.checkReferences(manager, entity, ownerId, values);
        const changes: Record<string, unknown> = { updated_at: new Date() };
        for (const name of [...entity.fields.map((f) => f.name), ...entity.parents.map((p) => p.column)]) {
          if (name in values) changes[name] = this.encode(table, name, values[name]);
        }
        await manager.getRepository(entity.name).update({ id: record.id }, changes);
        await this.setLinks(manager, entity, record.id, values);
        return (await this.present(manager, table, [await manager.getRepository(entity.name).findOneByOrFail({ id: record.id })]))[0];
      });
    },
    remove: async (entity: Entity, ownerId: number, id: RowId): Promise<void> => {
      const table = this.table(entity);
      await this.write(async (manager) => {
        const record = await this.owned(manager, table, ownerId, id);
        await manager.getRepository(entity.name).delete({ id: record.id });
      });
    },
  };

  async ping(): Promise<void> {
    await this.source.query("SELECT 1");
  }

  async close(): Promise<void> {
    await this.source.destroy();
  }

  // --- helpers ---------------------------------------------------------------------------------
  private encode(table: Table, column: string, value: unknown): unknown {
    if (value === null || value === undefined) return null;
    return (table.codecs.get(column) ?? same).toDb(value);
  }

  /** A transaction; constraint violations become a 409. */
  private async write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.source.transaction(work);
    } catch (error) {
      if (isConflict(error)) throw new StoreError("conflict", "the row conflicts with another one (a unique value, or a row that references it)");
      throw error;
    }
  }

  private async owned(manager: EntityManager, table: Table, ownerId: number, id: RowId): Promise<Record<string, unknown>> {
    const record = await manager.getRepository(table.entity.name).findOneBy({ id: this.encode(table, "id", id), owner_id: ownerId });
    if (!record) throw new StoreError("not-found", `${table.entity.name} ${String(id)} not found`);
    return record;
  }

  /** Every referenced row (`<relation>_id`, `<relation>_ids`) must be one of the owner's. */
  private async checkReferences(manager: EntityManager, entity: Entity, ownerId: number, values: Row): Promise<void> {
    for (const [target, ids] of references(entity, values)) {
      const table = this.table(entityNamed(target));
      const found = await manager.getRepository(target).countBy({ id: In(ids.map((v) => this.encode(table, "id", v))), owner_id: ownerId });
      if (found !== ids.length) throw new StoreError("not-found", `${target} ${ids.map(String).join(", ")} not found`);
    }
  }

  private async setLinks(manager: EntityManager, entity: Entity, id: unknown, values: Row): Promise<void> {
    const table = this.table(entity);
    for (const link of entity.links) {
      const ids = values[link.field];
      if (!Array.isArray(ids)) continue;
      const repo = manager.getRepository(link.table);
      await repo.delete({ [link.left]: id });
      const unique = [...new Set(ids)];
      if (unique.length) await repo.insert(unique.map((right) => ({ [link.left]: id, [link.right]: this.encode(table, "id", right) })));
    }
  }

  /** Records in their API form: decoded values, and the ids of every many-to-many relation. */
  private async present(manager: EntityManager, table: Table, records: Record<string, unknown>[]): Promise<Row[]> {
    const { entity } = table;
    const rows = records.map((record) => {
      const row: Row = {};
      for (const [name, codec] of table.codecs) row[name] = record[name] === null || record[name] === undefined ? null : codec.fromDb(record[name]);
      return row;
    });
    for (const link of entity.links) {
      const byLeft = new Map<unknown, unknown[]>();
      if (records.length) {
        const pairs = await manager.getRepository(link.table).findBy({ [link.left]: In(records.map((r) => r.id)) });
        for (const pair of pairs) {
          const list = byLeft.get(pair[link.left]) ?? [];
          list.push((table.codecs.get("id") ?? same).fromDb(pair[link.right]));
          byLeft.set(pair[link.left], list);
        }
      }
      records.forEach((record, i) => {
        rows[i][link.field] = (byLeft.get(record.id) ?? []).sort();
      });
    }
    return rows;
  }
}

function toUser(record: Record<string, unknown> | null): User | null {
  if (!record) return null;
  return { id: Number(record.id), email: String(record.email), passwordHash: String(record.password_hash), isActive: Boolean(record.is_active), createdAt: record.created_at as Date };
}

function toSession(record: SessionRecord): Session {
  return { id: record.id, userId: record.user_id, {% if cookiecutter.auth == "jwt" %}refreshJti: record.refresh_jti, {% endif %}expiresAt: record.expires_at, revokedAt: record.revoked_at };
}

export async function openStore(databaseUrl: string): Promise<Store> {
  const dialect = dialectOf(databaseUrl);
  const tables = ENTITIES.map((entity) => tableOf(entity, dialect));
  const joins = ENTITIES.flatMap((e) => e.links.map((l) => joinSchema(l.table, l.left, l.right, dialect)));
  const source = dataSource(databaseUrl, [userSchema(dialect), sessionSchema(dialect), ...tables.map((t) => t.schema), ...joins]);
  await source.initialize();
  return new TypeOrmStore(source, dialect, tables);
}
