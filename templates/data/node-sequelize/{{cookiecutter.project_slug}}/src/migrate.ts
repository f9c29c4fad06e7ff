/**
 * `npm run migrate`: apply the pending migrations of src/migrations/ to DATABASE_URL with umzug, which
 * keeps the applied ones in the SequelizeMeta table. Each migration runs in a transaction that also writes
 * its SequelizeMeta row (PostgreSQL and SQLite roll DDL back with it; MySQL commits each DDL statement on
 * its own), and the run holds a database lock, so that two deployments starting at once apply nothing twice.
 */
import { DataTypes, type Model, type ModelStatic, QueryTypes, type Sequelize, Transaction } from "sequelize";
import { type RunnableMigration, SequelizeStorage, Umzug, type UmzugStorage } from "umzug";

import { migrationCommand } from "./data/commands.js";
import { type Dialect, connect, dialectOf } from "./data/source.js";
import { MIGRATIONS, type Migration } from "./migrations/index.js";

/** the PostgreSQL advisory lock of the migrations (a key the app uses for nothing else) */
const PG_LOCK_KEY = 5_874_213_961;
/** the MySQL named lock of the migrations: one per database (names are server-wide, 64 characters at most) */
const MYSQL_LOCK_NAME = "CONCAT(LEFT(DATABASE(), 40), ':migrations')";
/** seconds a run waits for another one to finish */
const LOCK_WAIT_SECONDS = 600;

async function lock(sequelize: Sequelize, dialect: Dialect): Promise<void> {
  if (dialect === "postgres") {
    await sequelize.query("SELECT pg_advisory_lock(:key)", { replacements: { key: PG_LOCK_KEY } });
  } else if (dialect === "mysql") {
    const rows = await sequelize.query<{ acquired: number | null }>(`SELECT GET_LOCK(${MYSQL_LOCK_NAME}, :wait) AS acquired`, {
      replacements: { wait: LOCK_WAIT_SECONDS },
      type: QueryTypes.SELECT,
    });
    if (rows[0]?.acquired !== 1) throw new Error(`another migration run held the lock for ${LOCK_WAIT_SECONDS} s`);
  }
  // SQLite: no lock to take; each migration's IMMEDIATE transaction waits for the other writer, and skips
  // a migration that run has recorded meanwhile
}

async function unlock(sequelize: Sequelize, dialect: Dialect): Promise<void> {
  if (dialect === "postgres") await sequelize.query("SELECT pg_advisory_unlock(:key)", { replacements: { key: PG_LOCK_KEY } });
  else if (dialect === "mysql") await sequelize.query(`SELECT RELEASE_LOCK(${MYSQL_LOCK_NAME})`);
}

/** umzug's record of the applied migrations (sequelize-cli's table and column) */
function metaModel(sequelize: Sequelize): ModelStatic<Model> {
  return sequelize.define("SequelizeMeta", { name: { type: DataTypes.STRING, allowNull: false, primaryKey: true } }, { tableName: "SequelizeMeta" });
}

/**
 * A migration for umzug: its statements and its SequelizeMeta row commit (or roll back) together. One that
 * another run recorded after this run listed the pending ones (SQLite's case) is added to `skipped`.
 */
function runnable(sequelize: Sequelize, meta: ModelStatic<Model>, migration: Migration, skipped: Set<string>): RunnableMigration<unknown> {
  const { name } = migration;
  return {
    name,
    // the type only matters to SQLite (BEGIN IMMEDIATE: one writer at a time); the others ignore it
    up: () =>
      sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, async (transaction) => {
        if (await meta.findByPk(name, { transaction })) {
          skipped.add(name);
          return;
        }
        await migration.up({ sequelize, transaction });
        await meta.create({ name }, { transaction });
      }),
    down: () =>
      sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, async (transaction) => {
        await migration.down({ sequelize, transaction });
        await meta.destroy({ where: { name }, transaction });
      }),
  };
}

export async function migrate(databaseUrl: string): Promise<string[]> {
  const dialect = dialectOf(databaseUrl);
  // one connection: the lock belongs to a session, which must be the one that runs the migrations
  const sequelize = connect(databaseUrl, { max: 1, min: 1 });
  try {
    await lock(sequelize, dialect);
    try {
      const meta = metaModel(sequelize);
      const sequelizeStorage = new SequelizeStorage({ model: meta });
      // the rows are written by the migrations' own transactions (runnable), not after them
      const storage: UmzugStorage = {
        executed: () => sequelizeStorage.executed(),
        logMigration: () => Promise.resolve(),
        unlogMigration: () => Promise.resolve(),
      };
      const skipped = new Set<string>();
      const migrations = MIGRATIONS.map((m) => runnable(sequelize, meta, m, skipped));
      const applied = await new Umzug({ migrations, context: {}, storage, logger: undefined }).up();
      return applied.map((m) => m.name).filter((name) => !skipped.has(name));
    } finally {
      await unlock(sequelize, dialect);
    }
  } finally {
    await sequelize.close();
  }
}

migrationCommand(import.meta.url, migrate);
