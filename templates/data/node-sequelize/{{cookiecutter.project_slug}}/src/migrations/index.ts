/**
 * The migrations of the schema, in the order they apply. A new one is a module beside 0001-initial.ts
 * exporting its `name`, `up` and `down`, imported and appended here.
 */
import type { Sequelize, Transaction } from "sequelize";

import * as initial from "./0001-initial.js";

/** What a migration runs its statements with: the transaction that also records it in SequelizeMeta. */
export interface MigrationContext {
  readonly sequelize: Sequelize;
  readonly transaction: Transaction;
}

export interface Migration {
  readonly name: string;
  up(context: MigrationContext): Promise<void>;
  down(context: MigrationContext): Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [initial];
