/** Before the tests: migrate the database of DATABASE_URL (sqlite:///./test.db when unset). */
import { randomBytes } from "node:crypto";

import { migrate } from "../src/migrate.js";

export async function setup(): Promise<void> {
  process.env.DATABASE_URL ??= "sqlite:///./test.db";
  // a fresh random secret: the app refuses published or guessable ones
  process.env.SECRET_KEY ??= randomBytes(32).toString("hex");
  await migrate(process.env.DATABASE_URL);
}
