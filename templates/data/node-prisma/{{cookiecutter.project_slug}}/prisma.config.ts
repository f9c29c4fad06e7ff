/**
 * The Prisma CLI's settings. `prisma generate` needs only the schema; `prisma migrate deploy` / `status`
 * (where the schema engine can be downloaded) read DATABASE_URL, in Prisma's form for SQLite (file:).
 */
import { defineConfig } from "prisma/config";

/** sqlite:///app.db (the app's form) -> file:app.db; every other URL as it is */
function prismaUrl(databaseUrl: string): string {
  if (!databaseUrl.startsWith("sqlite:")) return databaseUrl;
  const rest = databaseUrl.slice("sqlite:".length);
  return `file:${rest.startsWith("///") ? rest.slice(3) : rest.replace(/^\/\//, "")}`;
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: prismaUrl(process.env.DATABASE_URL ?? "") },
});
