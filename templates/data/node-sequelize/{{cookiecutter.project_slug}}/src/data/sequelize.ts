/**
 * The Store on Sequelize. The tables are those of src/migrations/ (sync() is never called); a model per
 * table, defined from src/model.ts when the store opens, gives Sequelize the column types it binds values
 * with. Rows are read raw and turned from the database's form into the API's (and back) by the codecs
 * below: UUIDs are CHAR(32) hex on MySQL and SQLite, as in db/schema.sql; decimals stay text; timestamps
 * are UTC; MySQL's booleans are TINYINT; SQLite's JSON is text.
 */

import {
  DataTypes,
  type DataType,
  ForeignKeyConstraintError,
  type Model,
  type ModelAttributeColumnOptions,
  type ModelStatic,
  Op,
  type Sequelize,
  type Transaction,
  UniqueConstraintError,
  type WhereOptions,
} from "sequelize";
import { v7 as uuidv7 } from "uuid";

import { ENTITIES, ID_KIND, type Entity, type Field, entityNamed } from "../model.js";
import { type Dialect, connect, dialectOf, storedInstant } from "./source.js";
import { type ListQuery, type Row, type RowId, type Session, type Store, StoreError, type User } from "./store.js";
import { type Codec, hexUuid, isoInstant, references, same, tokenId } from "./values.js";

type Values = Record<string, unknown>;

function uuidCodec(dialect: Dialect): Codec {
  return dialect === "postgres" ? same : hexUuid;
}

/** A timestamp as the driver returns it (a Date, or stored text) as a Date. */
function asDate(value: unknown): Date {
  return value instanceof Date ? value : storedInstant(String(value));
}

const instant: Codec = {
  toDb: (v) => (typeof v === "string" ? new Date(v) : v),
  fromDb: (v) => isoInstant(asDate(v)),
};

function decimalCodec(scale: number): Codec {
  return { toDb: (v) => v, fromDb: (v) => (typeof v === "number" ? v.toFixed(scale) : v) };
}

const dateOnly: Codec = {
  toDb: (v) => v,
  fromDb: (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v),
};

const boolean: Codec = { toDb: (v) => v, fromDb: (v) => (typeof v === "number" ? v !== 0 : v) };

/** SQLite keeps JSON as TEXT: its driver returns the text (those of PostgreSQL, MySQL and MariaDB parse it). */
const jsonFromText: Codec = { toDb: (v) => v, fromDb: (v) => (typeof v === "string" ? JSON.parse(v) : v) };

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
    case "boolean":
      return boolean;
    case "json":
      return dialect === "sqlite" ? jsonFromText : same;
    default:
      return same;
  }
}

/** UUIDs: native on PostgreSQL, 32 hex digits elsewhere (CHAR(32) in db/schema.sql). */
function uuidType(dialect: Dialect): DataType {
  return dialect === "postgres" ? DataTypes.UUID : DataTypes.CHAR(32);
}

function idType(dialect: Dialect): DataType {
  if (ID_KIND === "uuid") return uuidType(dialect);
  return dialect === "sqlite" ? DataTypes.INTEGER : DataTypes.BIGINT;
}

/** timestamps with their microseconds column (MySQL's DATETIME(6) keeps the milliseconds only if told) */
const TIMESTAMP = DataTypes.DATE(6);

function fieldType(field: Field, dialect: Dialect): DataType {
  switch (field.type) {
    case "integer":
      return DataTypes.INTEGER;
    case "decimal":
      return DataTypes.DECIMAL;
    case "boolean":
      return DataTypes.BOOLEAN;
    case "date":
      return DataTypes.DATEONLY;
    case "datetime":
      return TIMESTAMP;
    case "uuid":
      return uuidType(dialect);
    case "json":
      return DataTypes.JSON;
    case "text":
      return DataTypes.TEXT;
    default:
      return DataTypes.STRING;
  }
}

interface Table {
  readonly entity: Entity;
  readonly model: ModelStatic<Model>;
  readonly codecs: Map<string, Codec>;
}

function defineTable(sequelize: Sequelize, entity: Entity, dialect: Dialect): Table {
  const attributes: Record<string, ModelAttributeColumnOptions> = {
    id: { type: idType(dialect), primaryKey: true, autoIncrement: ID_KIND === "int" },
    owner_id: { type: DataTypes.INTEGER, allowNull: false },
  };
  const codecs = new Map<string, Codec>([["id", idCodec(dialect)]]);
  for (const field of entity.fields) {
    attributes[field.name] = { type: fieldType(field, dialect), allowNull: !field.required };
    codecs.set(field.name, fieldCodec(field, dialect));
  }
  for (const parent of entity.parents) {
    attributes[parent.column] = { type: idType(dialect) };
    codecs.set(parent.column, idCodec(dialect));
  }
  for (const name of ["created_at", "updated_at"]) {
    attributes[name] = { type: TIMESTAMP, allowNull: false };
    codecs.set(name, instant);
  }
  return { entity, model: sequelize.define(entity.name, attributes, { tableName: entity.table }), codecs };
}

/** a many-to-many join table: its two columns are its primary key */
function defineJoin(sequelize: Sequelize, table: string, left: string, right: string, dialect: Dialect): ModelStatic<Model> {
  const column = { type: idType(dialect), primaryKey: true };
  return sequelize.define(table, { [left]: column, [right]: column }, { tableName: table });
}

function defineUsers(sequelize: Sequelize): ModelStatic<Model> {
  return sequelize.define(
    "users",
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      email: { type: DataTypes.STRING(320), allowNull: false },
      password_hash: { type: DataTypes.STRING(255), allowNull: false },
      is_active: { type: DataTypes.BOOLEAN, allowNull: false },
      created_at: { type: TIMESTAMP, allowNull: false },
    },
    { tableName: "users" },
  );
}

function defineSessions(sequelize: Sequelize): ModelStatic<Model> {
  return sequelize.define(
    "auth_sessions",
    {
      id: { type: DataTypes.STRING(64), primaryKey: true },
      user_id: { type: DataTypes.INTEGER, allowNull: false },
{%- if cookiecutter.auth == "jwt" %}
      refresh_jti: { type: DataTypes.STRING(64), allowNull: false },
{%- endif %}
      created_at: { type: TIMESTAMP, allowNull: false },
      expires_at: { type: TIMESTAMP, allowNull: false },
      revoked_at: { type: TIMESTAMP },
    },
    { tableName: "auth_sessions" },
  );
}

/** Unique violations, and rows still referenced (ON DELETE RESTRICT), as Sequelize names them on every driver. */
function isConflict(error: unknown): boolean {
  return error instanceof UniqueConstraintError || error instanceof ForeignKeyConstraintError;
}

class SequelizeStore implements Store {
  private readonly tables: Map<string, Table>;
  private readonly joins: Map<string, ModelStatic<Model>>;

  constructor(
    private readonly sequelize: Sequelize,
    private readonly userModel: ModelStatic<Model>,
    private readonly sessionModel: ModelStatic<Model>,
    tables: Table[],
    joins: Map<string, ModelStatic<Model>>,
  ) {
    this.tables = new Map(tables.map((t) => [t.entity.name, t]));
    this.joins = joins;
  }

  private table(entity: Entity): Table {
    const table = this.tables.get(entity.name);
    if (!table) throw new Error(`no table for ${entity.name}`);
    return table;
  }

  private join(name: string): ModelStatic<Model> {
    const model = this.joins.get(name);
    if (!model) throw new Error(`no join table ${name}`);
    return model;
  }

  // --- users and sessions ----------------------------------------------------------------------
  readonly users = {
    create: async (email: string, passwordHash: string): Promise<User | null> => {
      try {
        const created = await this.userModel.create({ email, password_hash: passwordHash, is_active: true, created_at: new Date() });
        return await this.users.byId(Number(created.get("id")));
      } catch (error) {
        if (error instanceof UniqueConstraintError) return null;
        throw error;
      }
    },
    byEmail: async (email: string): Promise<User | null> => toUser(await findRaw(this.userModel, { email })),
    byId: async (id: number): Promise<User | null> => toUser(await findRaw(this.userModel, { id })),
    setPasswordHash: async (id: number, passwordHash: string): Promise<void> => {
      await this.userModel.update({ password_hash: passwordHash }, { where: { id } });
    },
  };

  readonly sessions = {
    open: async (userId: number, lifetimeMs: number): Promise<Session> => {
      const now = new Date();
      await this.sessionModel.destroy({
        where: { user_id: userId, [Op.or]: [{ expires_at: { [Op.lte]: now } }, { revoked_at: { [Op.ne]: null } }] },
      });
      const record = { id: tokenId(), user_id: userId, {% if cookiecutter.auth == "jwt" %}refresh_jti: tokenId(), {% endif %}created_at: now, expires_at: new Date(now.getTime() + lifetimeMs), revoked_at: null };
      await this.sessionModel.create(record);
      return toSession(record);
    },
    active: async (id: string, userId: number): Promise<Session | null> => {
      const record = await findRaw(this.sessionModel, { id });
      if (!record) return null;
      const session = toSession(record);
      if (session.revokedAt !== null || session.expiresAt.getTime() <= Date.now() || session.userId !== userId) return null;
      return session;
    },
    revoke: async (id: string): Promise<void> => {
      await this.sessionModel.update({ revoked_at: new Date() }, { where: { id } });
    },
    revokeOthers: async (userId: number, keep: string): Promise<void> => {
      await this.sessionModel.update({ revoked_at: new Date() }, { where: { user_id: userId, id: { [Op.ne]: keep }, revoked_at: null } });
    },
{%- if cookiecutter.auth == "jwt" %}
    rotate: async (id: string, presentedJti: string): Promise<string | null> => {
      const next = tokenId();
      // one conditional UPDATE: of two refreshes with the same token, exactly one matches
      const [affected] = await this.sessionModel.update({ refresh_jti: next }, { where: { id, refresh_jti: presentedJti, revoked_at: null } });
      if (affected === 1) return next;
      await this.sessions.revoke(id);
      return null;
    },
{%- endif %}
  };

  // --- the entities ----------------------------------------------------------------------------
  readonly rows = {
    list: async (entity: Entity, ownerId: number, query: ListQuery): Promise<{ items: Row[]; total: number }> => {
      const table = this.table(entity);
      const where: Values = { owner_id: ownerId };
      for (const [name, value] of Object.entries(query.filters)) where[this.column(table, name)] = this.encode(table, name, value);
      const column = this.column(table, query.sort.replace(/^-/, ""));
      const order: [string, string][] = [[column, query.sort.startsWith("-") ? "DESC" : "ASC"]];
      if (column !== "id") order.push(["id", "ASC"]);
      const { rows, count } = await table.model.findAndCountAll({ where, order, limit: query.limit, offset: query.offset, raw: true });
      return { items: await this.present(table, rows as unknown as Values[]), total: count };
    },
    get: async (entity: Entity, ownerId: number, id: RowId): Promise<Row> => {
      const table = this.table(entity);
      return (await this.present(table, [await this.owned(table, ownerId, id)]))[0];
    },
    create: async (entity: Entity, ownerId: number, values: Row): Promise<Row> => {
      const table = this.table(entity);
      return this.write(async (transaction) => {
        const now = new Date();
        const record: Values = { owner_id: ownerId, created_at: now, updated_at: now };
        if (ID_KIND === "uuid") record.id = this.encode(table, "id", uuidv7());
        for (const field of entity.fields) {
          const value = field.name in values ? values[field.name] : (field.default ?? null);
          record[field.name] = this.encode(table, field.name, value);
        }
        await this.checkReferences(transaction, entity, ownerId, values);
        for (const parent of entity.parents) record[parent.column] = this.encode(table, parent.column, values[parent.column] ?? null);
        const created = await table.model.create(record, { transaction });
        const id = created.get("id");
        await this.setLinks(transaction, entity, id, values);
        return (await this.present(table, [await this.byId(table, id, transaction)], transaction))[0];
      });
    },
    update: async (entity: Entity, ownerId: number, id: RowId, values: Row): Promise<Row> => {
      const table = this.table(entity);
      return this.write(async (transaction) => {
        const record = await this.owned(table, ownerId, id, transaction);
        await this.checkReferences(transaction, entity, ownerId, values);
        const changes: Values = { updated_at: new Date() };
        for (const name of [...entity.fields.map((f) => f.name), ...entity.parents.map((p) => p.column)]) {
          if (name in values) changes[name] = this.encode(table, name, values[name]);
        }
        await table.model.update(changes, { where: { id: record.id }, transaction });
        await this.setLinks(transaction, entity, record.id, values);
        return (await this.present(table, [await this.byId(table, record.id, transaction)], transaction))[0];
      });
    },
    remove: async (entity: Entity, ownerId: number, id: RowId): Promise<void> => {
      const table = this.table(entity);
      await this.write(async (transaction) => {
        const record = await this.owned(table, ownerId, id, transaction);
        await table.model.destroy({ where: { id: record.id }, transaction });
      });
    },
  };

  async ping(): Promise<void> {
    await this.sequelize.query("SELECT 1");
  }

  async close(): Promise<void> {
    await this.sequelize.close();
  }

  // --- helpers ---------------------------------------------------------------------------------
  private encode(table: Table, column: string, value: unknown): unknown {
    if (value === null || value === undefined) return null;
    return (table.codecs.get(column) ?? same).toDb(value);
  }

  /** A column of the table: the routes only sort and filter on the model's, this refuses anything else. */
  private column(table: Table, name: string): string {
    if (!table.codecs.has(name)) throw new Error(`${table.entity.name} has no column ${name}`);
    return name;
  }

  /** A transaction; constraint violations become a 409. */
  private async write<T>(work: (transaction: Transaction) => Promise<T>): Promise<T> {
    try {
      return await this.sequelize.transaction(work);
    } catch (error) {
      if (isConflict(error)) throw new StoreError("conflict", "the row conflicts with another one (a unique value, or a row that references it)");
      throw error;
    }
  }

  private async byId(table: Table, id: unknown, transaction: Transaction): Promise<Values> {
    const record = await findRaw(table.model, { id }, transaction);
    if (!record) throw new Error(`${table.entity.name} ${String(id)} vanished inside its own transaction`);
    return record;
  }

  private async owned(table: Table, ownerId: number, id: RowId, transaction?: Transaction): Promise<Values> {
    const record = await findRaw(table.model, { id: this.encode(table, "id", id), owner_id: ownerId }, transaction);
    if (!record) throw new StoreError("not-found", `${table.entity.name} ${String(id)} not found`);
    return record;
  }

  /** Every referenced row (`<relation>_id`, `<relation>_ids`) must be one of the owner's. */
  private async checkReferences(transaction: Transaction, entity: Entity, ownerId: number, values: Row): Promise<void> {
    for (const [target, ids] of references(entity, values)) {
      const table = this.table(entityNamed(target));
      const found = await table.model.count({ where: { id: { [Op.in]: ids.map((v) => this.encode(table, "id", v)) }, owner_id: ownerId }, transaction });
      if (found !== ids.length) throw new StoreError("not-found", `${target} ${ids.map(String).join(", ")} not found`);
    }
  }

  private async setLinks(transaction: Transaction, entity: Entity, id: unknown, values: Row): Promise<void> {
    const table = this.table(entity);
    for (const link of entity.links) {
      const ids = values[link.field];
      if (!Array.isArray(ids)) continue;
      const join = this.join(link.table);
      await join.destroy({ where: { [link.left]: id }, transaction });
      const unique = [...new Set(ids)];
      if (unique.length) await join.bulkCreate(unique.map((right) => ({ [link.left]: id, [link.right]: this.encode(table, "id", right) })), { transaction });
    }
  }

  /** Records in their API form: decoded values, and the ids of every many-to-many relation. */
  private async present(table: Table, records: Values[], transaction?: Transaction): Promise<Row[]> {
    const { entity } = table;
    const rows = records.map((record) => {
      const row: Row = {};
      for (const [name, codec] of table.codecs) row[name] = record[name] === null || record[name] === undefined ? null : codec.fromDb(record[name]);
      return row;
    });
    const decodeId = table.codecs.get("id") ?? same;
    for (const link of entity.links) {
      const byLeft = new Map<unknown, unknown[]>();
      if (records.length) {
        const where: WhereOptions = { [link.left]: { [Op.in]: records.map((r) => r.id) } };
        const pairs = (await this.join(link.table).findAll({ where, raw: true, transaction })) as unknown as Values[];
        for (const pair of pairs) {
          const left = String(pair[link.left]);
          byLeft.set(left, [...(byLeft.get(left) ?? []), decodeId.fromDb(pair[link.right])]);
        }
      }
      records.forEach((record, i) => {
        rows[i][link.field] = (byLeft.get(String(record.id)) ?? []).sort(ascending);
      });
    }
    return rows;
  }
}

/** numbers as numbers (10 after 9), UUIDs as text */
function ascending(a: unknown, b: unknown): number {
  return (a as number | string) < (b as number | string) ? -1 : (a as number | string) > (b as number | string) ? 1 : 0;
}

async function findRaw(model: ModelStatic<Model>, where: WhereOptions, transaction?: Transaction): Promise<Values | null> {
  return (await model.findOne({ where, raw: true, transaction })) as unknown as Values | null;
}

function toUser(record: Values | null): User | null {
  if (!record) return null;
  return { id: Number(record.id), email: String(record.email), passwordHash: String(record.password_hash), isActive: Boolean(record.is_active), createdAt: asDate(record.created_at) };
}

function toSession(record: Values): Session {
  return {
    id: String(record.id),
    userId: Number(record.user_id),
{%- if cookiecutter.auth == "jwt" %}
    refreshJti: String(record.refresh_jti),
{%- endif %}
    expiresAt: asDate(record.expires_at),
    revokedAt: record.revoked_at === null || record.revoked_at === undefined ? null : asDate(record.revoked_at),
  };
}

export async function openStore(databaseUrl: string): Promise<Store> {
  const dialect = dialectOf(databaseUrl);
  const sequelize = connect(databaseUrl);
  await sequelize.authenticate();
  const tables = ENTITIES.map((entity) => defineTable(sequelize, entity, dialect));
  const joins = new Map(ENTITIES.flatMap((e) => e.links.map((l) => [l.table, defineJoin(sequelize, l.table, l.left, l.right, dialect)] as const)));
  return new SequelizeStore(sequelize, defineUsers(sequelize), defineSessions(sequelize), tables, joins);
}
