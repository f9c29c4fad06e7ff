/**
 * The CRUD routes of every entity of src/model.ts under /api/v1/<plural> (the logic is src/crud.ts).
 * The entities are data, not classes, so each gets its controller from `entityController` (a class made
 * per entity, as NestJS's own mixins are): fixed paths with the contract's parameter names, routed by
 * Express like hand-written controllers, and one module that registers them all.
 */
import { Controller, Delete, type DynamicModule, Get, HttpCode, Module, Patch, Post, Res, type Type, UseGuards } from "@nestjs/common";
import type { Response } from "express";

import type { Current } from "./accounts.js";
import { CurrentUser, SessionGuard } from "./auth.guard.js";
import type { Validated } from "./contract.js";
import { Operation, Valid } from "./contract.interceptor.js";
import { Crud } from "./crud.js";
import type { Row } from "./data/store.js";
import type { Entity } from "./model.js";

export function entityController(entity: Entity): Type {
  const { list, create, get, update, remove } = entity.operations;
  const item = `:${entity.idParam}`;

  @Controller(Crud.base(entity))
  @UseGuards(SessionGuard)
  class EntityController {
    constructor(private readonly crud: Crud) {}

    @Get()
    @Operation(list)
    list(@CurrentUser() { user }: Current, @Valid() valid: Validated): Promise<Record<string, unknown>> {
      return this.crud.list(entity, user.id, valid);
    }

    @Post()
    @Operation(create)
    async create(@CurrentUser() { user }: Current, @Valid() valid: Validated, @Res({ passthrough: true }) res: Response): Promise<Row> {
      const { row, location } = await this.crud.create(entity, user.id, valid);
      res.location(location);
      return row;
    }

    @Get(item)
    @Operation(get)
    get(@CurrentUser() { user }: Current, @Valid() valid: Validated): Promise<Row> {
      return this.crud.get(entity, user.id, valid);
    }

    @Patch(item)
    @Operation(update)
    update(@CurrentUser() { user }: Current, @Valid() valid: Validated): Promise<Row> {
      return this.crud.update(entity, user.id, valid);
    }

    @Delete(item)
    @HttpCode(204)
    @Operation(remove)
    remove(@CurrentUser() { user }: Current, @Valid() valid: Validated): Promise<void> {
      return this.crud.remove(entity, user.id, valid);
    }
  }
  // the entity's name in NestJS's logs (Mapped {/api/v1/orders, GET} route ... OrderController)
  Object.defineProperty(EntityController, "name", { value: `${entity.name}Controller` });
  return EntityController;
}

@Module({})
export class ResourcesModule {
  static register(entities: readonly Entity[]): DynamicModule {
    return { module: ResourcesModule, controllers: entities.map(entityController) };
  }
}
