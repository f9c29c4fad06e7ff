/**
 * CRUD routes of every entity of src/model.ts, under /api/v1/<plural>. Every row belongs to the user who
 * created it: anyone else gets 404. Lists are paginated (limit/offset), sorted (`sort=field|-field`,
 * then by id) and filtered by equality on the filters of the model. A referenced row (`<relation>_id`,
 * `<relation>_ids`) must be one of the user's, else 404; a unique value taken, or deleting a row a
 * `restrict` relation still references, is a 409. The contract (openapi.yaml) validates each request.
 */
import { Router, type RequestHandler, type Response } from "express";

import { authenticate, current, type AuthDeps } from "./auth.js";
import type { Validated } from "./contract.js";
import { type Row, StoreError } from "./data/store.js";
import { ENTITIES, type Entity, type Field } from "./model.js";
import { HttpError, type FieldError } from "./problem.js";

function valid(res: Response): Validated {
  return res.locals.valid as Validated;
}

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

export function resourceRouter(deps: AuthDeps): Router {
  const { store, contract } = deps;
  const router = Router();
  const auth: RequestHandler = authenticate(deps);
  for (const entity of ENTITIES) {
    const base = `/api/v1/${entity.plural}`;
    const idParam = entity.idParam;
    const item = `${base}/:${idParam}`;
    const validate = (operation: string) => contract.validate(operation);

    router.get(base, auth, validate(entity.operations.list), async (_req, res) => {
      const { query } = valid(res);
      const filters: Row = {};
      for (const name of entity.filters) if (query[name] !== undefined && query[name] !== null) filters[name] = query[name];
      const limit = Number(query.limit ?? 20);
      const offset = Number(query.offset ?? 0);
      const page = await store.rows.list(entity, current(res).user.id, { limit, offset, sort: String(query.sort ?? "id"), filters });
      res.json({ items: page.items, total: page.total, limit, offset });
    });

    router.post(base, auth, validate(entity.operations.create), async (_req, res) => {
      const row = await store.rows.create(entity, current(res).user.id, checked(entity, valid(res).body)).catch(storeErrors);
      res.status(201).location(`${base}/${String(row.id)}`).json(row);
    });

    router.get(item, auth, validate(entity.operations.get), async (_req, res) => {
      res.json(await store.rows.get(entity, current(res).user.id, valid(res).path[idParam] as string).catch(storeErrors));
    });

    router.patch(item, auth, validate(entity.operations.update), async (_req, res) => {
      const id = valid(res).path[idParam] as string;
      res.json(await store.rows.update(entity, current(res).user.id, id, checked(entity, valid(res).body)).catch(storeErrors));
    });

    router.delete(item, auth, validate(entity.operations.remove), async (_req, res) => {
      await store.rows.remove(entity, current(res).user.id, valid(res).path[idParam] as string).catch(storeErrors);
      res.status(204).end();
    });
  }
  return router;
}
