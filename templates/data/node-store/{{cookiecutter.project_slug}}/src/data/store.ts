/**
 * What the HTTP layer needs from the database, whatever the ORM behind it (src/data/index.ts picks the
 * implementation the project was generated with). Rows cross this boundary in their API form: the JSON
 * values of openapi.yaml (decimals and dates as text, ids as the contract types them).
 */
import type { Entity } from "../model.js";

export type Row = Record<string, unknown>;
export type RowId = string | number;

/** `not-found`: no such row of this user (or a referenced row is not theirs); `conflict`: a unique
 * value is taken, or a `restrict` relation still references the row. */
export class StoreError extends Error {
  constructor(
    readonly kind: "not-found" | "conflict",
    message: string,
  ) {
    super(message);
    this.name = "StoreError";
  }
}

export interface User {
  readonly id: number;
  readonly email: string;
  readonly passwordHash: string;
  readonly isActive: boolean;
  readonly createdAt: Date;
}

/** A server-side session: every token names one, and is only as good as it is open. */
export interface Session {
  readonly id: string;
  readonly userId: number;
{%- if cookiecutter.auth == "jwt" %}
  readonly refreshJti: string;
{%- endif %}
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
}

export interface ListQuery {
  readonly limit: number;
  readonly offset: number;
  /** a field name, `-` in front for descending; ties are broken by id */
  readonly sort: string;
  /** equality filters; absent keys are not filtered */
  readonly filters: Readonly<Record<string, unknown>>;
}

export interface Users {
  /** null when the email is taken */
  create(email: string, passwordHash: string): Promise<User | null>;
  byEmail(email: string): Promise<User | null>;
  byId(id: number): Promise<User | null>;
  setPasswordHash(id: number, passwordHash: string): Promise<void>;
}

export interface Sessions {
  /** a new session of the user, after forgetting their closed ones */
  open(userId: number, lifetimeMs: number): Promise<Session>;
  /** the session if it is open and belongs to this user */
  active(id: string, userId: number): Promise<Session | null>;
  revoke(id: string): Promise<void>;
  /** close every open session of the user but `keep` */
  revokeOthers(userId: number, keep: string): Promise<void>;
{%- if cookiecutter.auth == "jwt" %}
  /** the new refresh token id if `presentedJti` is the current one; else revoke the session, null */
  rotate(id: string, presentedJti: string): Promise<string | null>;
{%- endif %}
}

export interface Rows {
  list(entity: Entity, ownerId: number, query: ListQuery): Promise<{ items: Row[]; total: number }>;
  get(entity: Entity, ownerId: number, id: RowId): Promise<Row>;
  create(entity: Entity, ownerId: number, values: Row): Promise<Row>;
  update(entity: Entity, ownerId: number, id: RowId, values: Row): Promise<Row>;
  remove(entity: Entity, ownerId: number, id: RowId): Promise<void>;
}

export interface Store {
  readonly users: Users;
  readonly sessions: Sessions;
  readonly rows: Rows;
  /** throws when the database cannot be reached (readiness) */
  ping(): Promise<void>;
  close(): Promise<void>;
}
