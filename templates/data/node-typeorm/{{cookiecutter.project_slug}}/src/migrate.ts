/**
 * `npm run migrate`: apply the pending migrations of src/migrations/ to DATABASE_URL (TypeORM keeps
 * the applied ones in the `migrations` table).
 */
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

const url = process.env.DATABASE_URL;
if (import.meta.url === `file://${process.argv[1]}`) {
  if (!url) {
    console.error("DATABASE_URL is not set");
    process.exit(1);
  }
  migrate(url).then(
    (names) => console.log(names.length ? `applied: ${names.join(", ")}` : "no pending migration"),
    (error: unknown) => {
      console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
