/** `npm run migrate` started by several deployments at once: each run takes the database lock in turn. */
import { describe, expect, it } from "vitest";

import { migrate } from "../src/migrate.js";

const url = process.env.DATABASE_URL ?? "sqlite:///./test.db";

describe("migrations", () => {
  it("leave a migrated database as it is, however many runs meet", async () => {
    const runs = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    expect(runs).toEqual([[], [], []]);
  });
});
