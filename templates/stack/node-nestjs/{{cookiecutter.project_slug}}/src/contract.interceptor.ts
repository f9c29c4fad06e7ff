/**
 * The contract check in NestJS: `@Operation("auth_login")` names the operation of openapi.yaml a handler
 * implements, `ContractInterceptor` (global, after the guards) checks the request's path parameters, query
 * and body against it (src/contract.ts is the validator, 400/422 otherwise: no DTO classes that would repeat
 * the contract and drift from it), and `@Valid()` hands the handler the checked values.
 */
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, createParamDecorator } from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import type { Request } from "express";
import type { Observable } from "rxjs";

import { Contract, type Validated } from "./contract.js";

/** The operationId of openapi.yaml the handler implements. */
export const Operation = Reflector.createDecorator<string>();

interface CheckedRequest extends Request {
  valid?: Validated;
}

@Injectable()
export class ContractInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly contract: Contract,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const operationId = this.reflector.get(Operation, context.getHandler());
    if (operationId) {
      const request = context.switchToHttp().getRequest<CheckedRequest>();
      // req.body stays undefined when no JSON came (src/app.ts parses JSON only): the check says 400
      const incoming = { path: request.params, query: request.query as Record<string, unknown>, body: request.body as unknown };
      request.valid = this.contract.check(operationId, incoming);
    }
    return next.handle();
  }
}

/** The request's values as the handler's `@Operation` declares them. */
export const Valid = createParamDecorator((_data: unknown, context: ExecutionContext): Validated => {
  const { valid } = context.switchToHttp().getRequest<CheckedRequest>();
  if (!valid) throw new Error("@Valid() on a handler without @Operation()");
  return valid;
});
