/** `npm start`: validate the settings, open the database, serve on HOST:PORT, stop cleanly on SIGTERM. */
import { createApp } from "./app.js";
import { SettingsError, loadSettings } from "./config.js";
import { openStore } from "./data/index.js";
import { logger } from "./logger.js";

async function main(): Promise<void> {
  const settings = loadSettings();
  const store = await openStore(settings.databaseUrl);
  const server = createApp({ store, settings }).listen(settings.port, settings.host, () => {
    logger.info({ host: settings.host, port: settings.port }, "listening");
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  const stop = () => {
    server.close(() => void store.close().then(() => process.exit(0)));
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
