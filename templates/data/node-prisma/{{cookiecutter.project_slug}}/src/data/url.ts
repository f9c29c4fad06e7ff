{%- set db = cookiecutter.database -%}
/**
 * DATABASE_URL as each driver reads it. No Prisma import here: `npm run migrate` uses it without the client.
 */
{%- if db == "mysql" %}
import type { PoolConfig } from "mariadb";
{%- endif %}

/** The database of prisma/schema.prisma: the generated client speaks this one only. */
export const PROVIDER: "postgresql" | "mysql" | "sqlite" = {{ db | tojson }};

/** The scheme of a DATABASE_URL, refused unless it is the database the client was generated for. */
export function checkScheme(databaseUrl: string): void {
  const scheme = databaseUrl.split(":", 1)[0].split("+", 1)[0].toLowerCase();
  const accepted: Record<typeof PROVIDER, string[]> = { postgresql: ["postgresql", "postgres"], mysql: ["mysql", "mariadb"], sqlite: ["sqlite", "file"] };
  if (!accepted[PROVIDER].includes(scheme)) {
    throw new Error(`DATABASE_URL: unsupported scheme ${scheme}: (this project's Prisma client is for ${PROVIDER}: use ${accepted[PROVIDER][0]}://)`);
  }
}
{%- if db == "mysql" %}

/** The mariadb driver's settings for a mysql:// (or mariadb://) URL: MySQL servers speak the same protocol. */
export function mariadbConfig(databaseUrl: string): PoolConfig {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.slice(1)),
  };
}
{%- elif db == "sqlite" %}

/** sqlite:///relative.db, sqlite:////absolute.db (as SQLAlchemy writes them), sqlite:relative.db or file:path */
export function sqlitePath(databaseUrl: string): string {
  if (databaseUrl.startsWith("file:")) return databaseUrl.slice("file:".length);
  const rest = databaseUrl.slice("sqlite:".length);
  return rest.startsWith("///") ? rest.slice(3) : rest.replace(/^\/\//, "");
}
{%- endif %}
