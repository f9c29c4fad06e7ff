/**
 * The Sequelize instance for DATABASE_URL: postgresql://, mysql:// (MySQL and MariaDB) or sqlite:///path.
 * Its pool is Sequelize's own (sequelize-pool over the driver's connections); SQL logging stays off.
 */
import { DataTypes, type Options, type PoolOptions, Sequelize } from "sequelize";

export type Dialect = "postgres" | "mysql" | "sqlite";

const STORED_UTC = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?: ?(?:Z|\+00:?00))?$/;

/**
 * A timestamp's text as MySQL ("0013-12-17 19:05:50.531") or SQLite (with " +00:00") returns it, read as
 * UTC, the zone both are written in (timezone "+00:00"). Sequelize's own parsers hand that text to
 * `new Date()`, whose legacy parsing reads years 0 to 99 as 1900 to 1999, or as an Invalid Date.
 */
export function storedInstant(text: string): Date {
  const m = STORED_UTC.exec(text);
  if (!m) return new Date(text);
  const fraction = (m[7] ?? "").slice(0, 4); // milliseconds: a Date holds no finer
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${fraction}Z`);
}

// Sequelize takes each dialect's DATE parser when an instance is created: replaced here, at import.
type DateParsers = { mysql: { DATE: { parse: unknown } }; sqlite: { DATE: { parse: unknown } } };
const dialects = DataTypes as unknown as DateParsers;
dialects.mysql.DATE.parse = (field: { string(): string | null }) => {
  const text = field.string();
  return text === null ? null : storedInstant(text);
};
dialects.sqlite.DATE.parse = (text: string) => storedInstant(text);

export function dialectOf(databaseUrl: string): Dialect {
  const scheme = databaseUrl.split(":", 1)[0].split("+", 1)[0].toLowerCase();
  if (scheme === "postgresql" || scheme === "postgres") return "postgres";
  if (scheme === "mysql" || scheme === "mariadb") return "mysql";
  if (scheme === "sqlite") return "sqlite";
  throw new Error(`DATABASE_URL: unsupported scheme ${scheme}: (use postgresql://, mysql:// or sqlite:///path)`);
}

/** sqlite:///relative.db, sqlite:////absolute.db (as SQLAlchemy writes them) or sqlite:relative.db */
function sqlitePath(databaseUrl: string): string {
  const rest = databaseUrl.slice("sqlite:".length);
  return rest.startsWith("///") ? rest.slice(3) : rest.replace(/^\/\//, "");
}

export function connect(databaseUrl: string, pool: PoolOptions = { max: 10 }): Sequelize {
  const dialect = dialectOf(databaseUrl);
  const common: Options = { logging: false, pool, define: { timestamps: false, freezeTableName: true } };
  if (dialect === "sqlite") return new Sequelize({ ...common, dialect, storage: sqlitePath(databaseUrl) });
  // Sequelize reads the dialect from the scheme: postgresql+driver:// and mariadb:// become its names
  const url = databaseUrl.replace(/^[^:]+:/, `${dialect}:`);
  if (dialect === "mysql") return new Sequelize(url, { ...common, timezone: "+00:00", dialectOptions: { charset: "utf8mb4" } });
  return new Sequelize(url, common);
}
