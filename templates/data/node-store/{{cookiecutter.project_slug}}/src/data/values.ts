/**
 * What every ORM layer shares between a row's API form (the JSON values of openapi.yaml) and its database
 * form, and the checks of a write that do not depend on the ORM.
 */
import { randomBytes } from "node:crypto";

import type { Entity } from "../model.js";
import type { Row } from "./store.js";

/** A column's value on its way in (API form to database form) and out. */
export interface Codec {
  toDb(value: unknown): unknown;
  fromDb(value: unknown): unknown;
}

export const same: Codec = { toDb: (v) => v, fromDb: (v) => v };

/** UUIDs as 32 hex digits (CHAR(32) in db/schema.sql, off PostgreSQL), with their dashes in the API. */
export const hexUuid: Codec = {
  toDb: (v) => (typeof v === "string" ? v.replaceAll("-", "").toLowerCase() : v),
  fromDb: (v) => (typeof v === "string" && v.length === 32 ? `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20)}` : v),
};

/** ISO 8601 in UTC, without milliseconds when there are none (as the contract's examples). */
export function isoInstant(value: Date): string {
  return value.toISOString().replace(".000Z", "Z");
}

/** A random identifier (256 bits) for a session or a token. */
export function tokenId(): string {
  return randomBytes(32).toString("base64url");
}

/** The rows a write references (`<relation>_id`, `<relation>_ids`), as [target entity, distinct ids]:
 * each must be one of the owner's, else the write is a not-found. */
export function references(entity: Entity, values: Row): [string, unknown[]][] {
  const wanted: [string, unknown[]][] = [];
  for (const parent of entity.parents) {
    const value = values[parent.column];
    if (value !== null && value !== undefined) wanted.push([parent.target, [value]]);
  }
  for (const link of entity.links) {
    const ids = values[link.field];
    if (Array.isArray(ids) && ids.length) wanted.push([link.target, [...new Set(ids)]]);
  }
  return wanted;
}
