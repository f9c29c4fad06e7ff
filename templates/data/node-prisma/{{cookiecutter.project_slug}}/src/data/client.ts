{%- set db = cookiecutter.database -%}
/**
 * The Prisma client for DATABASE_URL ({{ db }}), on the driver adapter of its database: Prisma 7's
 * client has no query engine binary; it compiles each query in WebAssembly and runs the SQL through
 * {% if db == "postgresql" %}@prisma/adapter-pg (node-postgres){% elif db == "mysql" %}@prisma/adapter-mariadb (the mariadb driver, for MySQL and MariaDB){% else %}@prisma/adapter-better-sqlite3{% endif %}.
 */
{%- if db == "postgresql" %}
import { PrismaPg } from "@prisma/adapter-pg";
{%- elif db == "mysql" %}
import { PrismaMariaDb } from "@prisma/adapter-mariadb";
{%- else %}
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
{%- endif %}

import { PrismaClient } from "../generated/prisma/client.js";
{%- if db == "postgresql" %}
import { checkScheme } from "./url.js";
{%- elif db == "mysql" %}
import { checkScheme, mariadbConfig } from "./url.js";
{%- else %}
import { checkScheme, sqlitePath } from "./url.js";
{%- endif %}

{%- if db != "sqlite" %}

/** Connections the app's pool may hold. */
const POOL_SIZE = 10;
{%- endif %}

export function prismaClient(databaseUrl: string): PrismaClient {
  checkScheme(databaseUrl);
{%- if db == "postgresql" %}
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: POOL_SIZE });
{%- elif db == "mysql" %}
  // the adapter writes and reads DATETIME columns in UTC
  const adapter = new PrismaMariaDb({ ...mariadbConfig(databaseUrl), connectionLimit: POOL_SIZE });
{%- else %}
  // one connection: SQLite has one writer, and the adapter runs one transaction at a time
  const adapter = new PrismaBetterSqlite3({ url: `file:${sqlitePath(databaseUrl)}` });
{%- endif %}
  // a burst of writes may queue for a connection: wait for one rather than fail after the default 2 s
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 30_000 } });
}
