/**
 * The migrations of the schema, in the order they apply (TypeORM orders them by the timestamp ending each
 * class name). A new one is a class beside 0001-initial.ts, imported and appended here; never edit an applied one.
 */
import type { MigrationInterface } from "typeorm";

import { Initial0000000000001 } from "./0001-initial.js";

export const MIGRATIONS: readonly (new () => MigrationInterface)[] = [Initial0000000000001];
