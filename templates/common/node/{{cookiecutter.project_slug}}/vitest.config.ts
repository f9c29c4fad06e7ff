import { defineConfig } from "vitest/config";

// The tests run against the database of DATABASE_URL (migrated first, by tests/setup.ts), one file at a time.
export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/setup.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // `npm test -- --coverage` (the CI gate): the app's own code, not what a tool generates into it
    coverage: { provider: "v8", include: ["src/**/*.ts"], exclude: ["src/generated/**"] },
  },
});
