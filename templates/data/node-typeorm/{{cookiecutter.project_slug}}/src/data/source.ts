/**
 * The TypeORM DataSource for DATABASE_URL: postgresql://, mysql:// (MySQL and MariaDB) or sqlite:///path.
 */
import { DataSource, type DataSourceOptions, type EntitySchema } from "typeorm";

import { MIGRATIONS } from "../migrations/index.js";

export type Dialect = "postgres" | "mysql" | "better-sqlite3";

export function dialectOf(databaseUrl: string): Dialect {
  const scheme = databaseUrl.split(":", 1)[0].split("+", 1)[0].toLowerCase();
  if (scheme === "postgresql" || scheme === "postgres") return "postgres";
  if (scheme === "mysql" || scheme === "mariadb") return "mysql";
  if (scheme === "sqlite") return "better-sqlite3";
  throw new Error(`DATABASE_URL: unsupported scheme ${scheme}: (use postgresql://, mysql:// or sqlite:///path)`);
}

/** sqlite:///relative.db, sqlite:////absolute.db (as SQLAlchemy writes them) or sqlite:relative.db */
function sqlitePath(databaseUrl: string): string {
  const rest = databaseUrl.slice("sqlite:".length);
  return rest.startsWith("///") ? rest.slice(3) : rest.replace(/^\/\//, "");
}

export function dataSource(databaseUrl: string, entities: EntitySchema[] = []): DataSource {
  const dialect = dialectOf(databaseUrl);
  const common = { entities, migrations: [...MIGRATIONS], migrationsTableName: "migrations", logging: false };
  let options: DataSourceOptions;
  if (dialect === "postgres") {
    options = { ...common, type: "postgres", url: databaseUrl, extra: { max: 10 } };
  } else if (dialect === "mysql") {
    const url = databaseUrl.replace(/^mariadb:/, "mysql:");
    // UTC in and out (mysql2 returns DECIMAL as text: exact)
    options = { ...common, type: "mysql", url, timezone: "Z", charset: "utf8mb4", extra: { connectionLimit: 10 } };
  } else {
    options = { ...common, type: "better-sqlite3", database: sqlitePath(databaseUrl) };
  }
  return new DataSource(options);
}
