/**
 * The Sequelize instance for DATABASE_URL: postgresql://, mysql:// (MySQL and MariaDB) or sqlite:///path.
 * Its pool is Sequelize's own (sequelize-pool over the driver's connections); SQL logging stays off.
 */
import { type Options, type PoolOptions, Sequelize } from "sequelize";

export type Dialect = "postgres" | "mysql" | "sqlite";

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
