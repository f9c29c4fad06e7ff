/** The CRUD routes of every entity of src/model.ts on Express, under /api/v1/<plural> (the logic is src/crud.ts). */
import { Router } from "express";

import { authenticate, current, valid, validate, type RouteDeps } from "./auth.js";
import { Crud } from "./crud.js";
import type { Store } from "./data/store.js";
import { ENTITIES } from "./model.js";

export function resourceRouter({ accounts, contract }: RouteDeps, store: Store): Router {
  const router = Router();
  const crud = new Crud(store);
  const auth = authenticate(accounts);
  for (const entity of ENTITIES) {
    const base = Crud.base(entity);
    const item = `${base}/:${entity.idParam}`;
    const { list, create, get, update, remove } = entity.operations;

    router.get(base, auth, validate(contract, list), async (_req, res) => {
      res.json(await crud.list(entity, current(res).user.id, valid(res)));
    });
    router.post(base, auth, validate(contract, create), async (_req, res) => {
      const { row, location } = await crud.create(entity, current(res).user.id, valid(res));
      res.status(201).location(location).json(row);
    });
    router.get(item, auth, validate(contract, get), async (_req, res) => {
      res.json(await crud.get(entity, current(res).user.id, valid(res)));
    });
    router.patch(item, auth, validate(contract, update), async (_req, res) => {
      res.json(await crud.update(entity, current(res).user.id, valid(res)));
    });
    router.delete(item, auth, validate(contract, remove), async (_req, res) => {
      await crud.remove(entity, current(res).user.id, valid(res));
      res.status(204).end();
    });
  }
  return router;
}
