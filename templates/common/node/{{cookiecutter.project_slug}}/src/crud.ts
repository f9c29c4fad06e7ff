/**
 * The CRUD of every entity of src/model.ts, whatever the framework. Every row belongs to the user who
 * created it: anyone else gets 404. Lists are paginated (limit/offset), sorted (`sort=field|-field`, then
 * by id) and filtered by equality on the filters of the model. A referenced row (`<relation>_id`,
 * `<relation>_ids`) must be one of the user's, else 404; a unique value taken, or deleting a row a
 * `restrict` relation still references, is a 409. The values come checked by the contract (openapi.yaml).
 */
import type { Validated } from "./contract.js";
import { type Row, type RowId, type Store, StoreError } from "./data/store.js";
import type { Entity, Field } from "./model.js";
import { type FieldError, HttpError } from "./problem.js";

/** Bounds of decimals that JSON Schema cannot express (the contract's pattern checks the digits). */
function decimalErrors(fields: readonly Field[], body: Row): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of fields) {
    const value = body[field.name];
    if (field.type !== "decimal" || typeof value !== "string") continue;
    if (field.min !== undefined && Number(value) < Number(field.min)) errors.push({ pointer: `#/${field.name}`, detail: `must be at least ${field.min}` });
    if (field.max !== undefined && Number(value) > Number(field.max)) errors.push({ pointer: `#/${field.name}`, detail: `must be at most ${field.max}` });
  }
  return errors;
}

function checked(entity: Entity, body: Row): Row {
  const errors = decimalErrors(entity.fields, body);
  if (errors.length) throw new HttpError(422, "the request is not valid", errors);
  return body;
}

function storeErrors(error: unknown): never {
  if (error instanceof StoreError) throw new HttpError(error.kind === "not-found" ? 404 : 409, error.message);
  throw error;
}

export class Crud {
  constructor(private readonly store: Store) {}

  static base(entity: Entity): string {
    return `/api/v1/${entity.plural}`;
  }

  private static id(entity: Entity, valid: Validated): RowId {
    return valid.path[entity.idParam] as RowId;
  }

  async list(entity: Entity, ownerId: number, { query }: Validated): Promise<Record<string, unknown>> {
    const filters: Row = {};
    for (const name of entity.filters) if (query[name] !== undefined && query[name] !== null) filters[name] = query[name];
    const limit = Number(query.limit ?? 20);
    const offset = Number(query.offset ?? 0);
    const page = await this.store.rows.list(entity, ownerId, { limit, offset, sort: String(query.sort ?? "id"), filters });
    return { items: page.items, total: page.total, limit, offset };
  }

  /** The new row and its URL (the Location of the 201). */
  async create(entity: Entity, ownerId: number, valid: Validated): Promise<{ row: Row; location: string }> {
    const row = await this.store.rows.create(entity, ownerId, checked(entity, valid.body)).catch(storeErrors);
    return { row, location: `${Crud.base(entity)}/${String(row.id)}` };
  }

  get(entity: Entity, ownerId: number, valid: Validated): Promise<Row> {
    return this.store.rows.get(entity, ownerId, Crud.id(entity, valid)).catch(storeErrors);
  }

  update(entity: Entity, ownerId: number, valid: Validated): Promise<Row> {
    return this.store.rows.update(entity, ownerId, Crud.id(entity, valid), checked(entity, valid.body)).catch(storeErrors);
  }

  remove(entity: Entity, ownerId: number, valid: Validated): Promise<void> {
    return this.store.rows.remove(entity, ownerId, Crud.id(entity, valid)).catch(storeErrors);
  }
}
