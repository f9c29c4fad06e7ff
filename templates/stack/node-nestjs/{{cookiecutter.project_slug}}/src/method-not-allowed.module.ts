/**
 * A path of the contract with a method it does not list: 405 naming the ones it does (Allow). Its
 * controller catches every method on those paths, so its module is imported last (src/app.module.ts):
 * NestJS registers the routes of its modules in import order, and Express serves the first that matches.
 */
import { All, Controller, type DynamicModule, Module, Req, type Type } from "@nestjs/common";
import type { Request } from "express";

import type { Contract } from "./contract.js";
import { HttpError } from "./problem.js";

function methodNotAllowedController(routes: Contract["routes"]): Type {
  // `/items/{item_id}` in Express's words: `/items/:item_id`
  const allowed = new Map(routes.map((route) => [route.path.replace(/\{([^}]+)\}/g, ":$1"), route.methods.join(", ")]));

  @Controller()
  class MethodNotAllowedController {
    @All([...allowed.keys()])
    refuse(@Req() req: Request): never {
      const route = (req.route as { path: string }).path;
      throw new HttpError(405, "method not allowed on this resource", [], { Allow: allowed.get(route) ?? "" });
    }
  }
  return MethodNotAllowedController;
}

@Module({})
export class MethodNotAllowedModule {
  static register(routes: Contract["routes"]): DynamicModule {
    return { module: MethodNotAllowedModule, controllers: [methodNotAllowedController(routes)] };
  }
}
