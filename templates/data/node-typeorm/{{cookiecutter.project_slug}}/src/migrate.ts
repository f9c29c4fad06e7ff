/**
 * `npm run migrate`: apply the pending migrations of src/migrations/ to DATABASE_URL (TypeORM keeps
 * the applied ones in the `migrations` table).
 */
import { migrationCommand } from "./data/commands.js";
import { dataSource } from "./data/source.js";

export async function migrate(databaseUrl: string): Promise<string[]> {
  const source = dataSource(databaseUrl);
  await source.initialize();
  try {
    const applied = await source.runMigrations({ transaction: "each" });
    return applied.map((m) => m.name);
  } finally {
    await source.destroy();
  }
}

migrationCommand(import.meta.url, migrate);
