/** `npm start`: validate the settings, open the database, serve on HOST:PORT, stop cleanly on SIGTERM. */
import { createServer } from "./app.js";
import { SettingsError, loadSettings } from "./config.js";
import { openStore } from "./data/index.js";
import { logger } from "./logger.js";

async function main(): Promise<void> {
  const settings = loadSettings();
  const store = await openStore(settings.databaseUrl);
  const app = await createServer({ store, settings });
  app.server.requestTimeout = 30_000;
  app.server.headersTimeout = 10_000;
  app.server.listen(settings.port, settings.host, () => {
    logger.info({ host: settings.host, port: settings.port }, "listening");
  });
  const stop = () => {
    void app
      .close()
      .then(() => store.close())
      .then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  if (error instanceof SettingsError) {
    console.error(`configuration error: ${error.message}`);
  } else {
    logger.fatal({ err: error }, "could not start");
  }
  process.exit(1);
});
