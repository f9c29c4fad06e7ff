/** Timestamps read back as written: Sequelize's own parsers turned year 99 into 1999 and year 13 into an Invalid Date. */
import { describe, expect, it } from "vitest";

import { storedInstant } from "../src/data/source.js";

describe("storedInstant", () => {
  it("reads MySQL's and SQLite's timestamp text as UTC, years before 100 included", () => {
    expect(storedInstant("0013-12-17 19:05:50.531").toISOString()).toBe("0013-12-17T19:05:50.531Z");
    expect(storedInstant("0099-01-02 03:04:05.000000 +00:00").toISOString()).toBe("0099-01-02T03:04:05.000Z");
    expect(storedInstant("2026-12-03 15:41:24.335123").toISOString()).toBe("2026-12-03T15:41:24.335Z");
    expect(storedInstant("2026-12-03 15:41:24").toISOString()).toBe("2026-12-03T15:41:24.000Z");
  });
});
