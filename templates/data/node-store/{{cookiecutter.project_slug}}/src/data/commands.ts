/** `npm run migrate` (node dist/migrate.js): the ORM layer's `migrate` on DATABASE_URL, one line of outcome. */
export function migrationCommand(moduleUrl: string, migrate: (databaseUrl: string) => Promise<string[]>): void {
  if (moduleUrl !== `file://${process.argv[1]}`) return; // imported (by the tests), not run
  const url = process.env.DATABASE_URL;
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
