/** The CRUD routes of every entity of src/model.ts on Fastify, under /api/v1/<plural> (the logic is src/crud.ts). */
import type { FastifyInstance } from "fastify";

import { authenticate, current, valid, validate, type RouteDeps } from "./auth.js";
import { Crud } from "./crud.js";
import type { Store } from "./data/store.js";
import { ENTITIES } from "./model.js";

export function resourceRoutes(app: FastifyInstance, { accounts, contract }: RouteDeps, store: Store): void {
  const crud = new Crud(store);
  const onRequest = authenticate(accounts);
  for (const entity of ENTITIES) {
    const base = Crud.base(entity);
    const item = `${base}/:${entity.idParam}`;
    const { list, create, get, update, remove } = entity.operations;

    app.get(base, { onRequest, preValidation: validate(contract, list) }, async (request) => {
      return crud.list(entity, current(request).user.id, valid(request));
    });
    app.post(base, { onRequest, preValidation: validate(contract, create) }, async (request, reply) => {
      const { row, location } = await crud.create(entity, current(request).user.id, valid(request));
      reply.code(201).header("Location", location);
      return row;
    });
    app.get(item, { onRequest, preValidation: validate(contract, get) }, async (request) => {
      return crud.get(entity, current(request).user.id, valid(request));
    });
    app.patch(item, { onRequest, preValidation: validate(contract, update) }, async (request) => {
      return crud.update(entity, current(request).user.id, valid(request));
    });
    app.delete(item, { onRequest, preValidation: validate(contract, remove) }, async (request, reply) => {
      await crud.remove(entity, current(request).user.id, valid(request));
      return reply.code(204).send();
    });
  }
}
