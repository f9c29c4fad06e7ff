/**
 * Spec-first: the contract is openapi.yaml at the project root (computed by backend-expert, never edited
 * by hand). Requests are validated against it with Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1):
 * the body against the operation's request schema, the path and query parameters against theirs (query
 * text coerced to the declared types). The app serves the same file at /openapi.yaml. Framework-neutral:
 * the framework layer hands each request's path parameters, query and parsed body to `check`.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";

import { type FieldError, HttpError } from "./problem.js";

// ajv-formats is CommonJS: its default export is the plugin function
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export const CONTRACT_PATH = join(dirname(fileURLToPath(import.meta.url)), "..", "openapi.yaml");

interface Parameter {
  name: string;
  in: "query" | "path" | "header" | "cookie";
  required?: boolean;
  schema?: Record<string, unknown>;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Record<string, unknown> }> };
}

interface Checks {
  body?: ValidateFunction;
  bodyRequired: boolean;
  params: { parameter: Parameter; validate: ValidateFunction }[];
}

/** A request as the framework parsed it: `body` is undefined when the request carried none. */
export interface Incoming {
  readonly path: Readonly<Record<string, unknown>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly body: unknown;
}

export interface Validated {
  body: Record<string, unknown>;
  query: Record<string, unknown>;
  path: Record<string, unknown>;
}

export class Contract {
  readonly text: string;
  /** every path of the contract (`/items/{item_id}`), with its methods */
  readonly routes: { path: string; methods: string[] }[] = [];
  private readonly checks = new Map<string, Checks>();

  constructor(path: string = CONTRACT_PATH) {
    this.text = readFileSync(path, "utf8");
    const document = parse(this.text) as { paths: Record<string, Record<string, Operation>>; components?: Record<string, unknown> };
    const options = { allErrors: false, strict: false, strictNumbers: true, validateFormats: true } as const;
    const bodies = addFormats(new Ajv2020(options));
    const params = addFormats(new Ajv2020({ ...options, coerceTypes: true }));
    for (const ajv of [bodies, params]) ajv.addSchema({ $id: "contract", components: document.components ?? {} });
    const local = (schema: unknown) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"contract#/components/')) as Record<string, unknown>;
    for (const [path, item] of Object.entries(document.paths)) {
      this.routes.push({ path, methods: Object.keys(item).map((m) => m.toUpperCase()) });
      for (const operation of Object.values(item)) {
        if (!operation || typeof operation !== "object" || !operation.operationId) continue;
        const schema = operation.requestBody?.content?.["application/json"]?.schema;
        this.checks.set(operation.operationId, {
          body: schema ? bodies.compile(local(schema)) : undefined,
          bodyRequired: Boolean(operation.requestBody?.required),
          params: (operation.parameters ?? [])
            .filter((p) => p.in === "query" || p.in === "path")
            // wrapped in an object: Ajv coerces a value in place through its parent
            .map((parameter) => ({ parameter, validate: params.compile({ type: "object", properties: { value: local(withoutNull(parameter.schema ?? {})) } }) })),
        });
      }
    }
  }

  has(operationId: string): boolean {
    return this.checks.has(operationId);
  }

  /** The request's values as the operation declares them, or the HttpError (400, 422) that says why not. */
  check(operationId: string, request: Incoming): Validated {
    const checks = this.checks.get(operationId);
    if (!checks) throw new Error(`openapi.yaml has no operation ${operationId}`);
    const errors: FieldError[] = [];
    const valid: Validated = { body: {}, query: {}, path: {} };
    for (const { parameter, validate } of checks.params) {
      const holder: Record<string, unknown> = { value: (parameter.in === "path" ? request.path : request.query)[parameter.name] };
      if (holder.value === undefined) {
        if (parameter.required) errors.push({ parameter: parameter.name, detail: "is required" });
        continue;
      }
      // Ajv's coercion turns "1e400" into Infinity without applying its bounds: refused here, as a null would be
      if (!validate(holder) || (typeof holder.value === "number" && !Number.isFinite(holder.value)) || holder.value === null) {
        errors.push({ parameter: parameter.name, detail: describe(validate.errors) });
        continue;
      }
      (parameter.in === "path" ? valid.path : valid.query)[parameter.name] = holder.value;
    }
    if (checks.body) {
      if (request.body === undefined) {
        if (checks.bodyRequired) throw new HttpError(400, "the request body must be JSON (Content-Type: application/json)");
      } else if (!checks.body(request.body)) {
        errors.push(...(checks.body.errors ?? []).map(bodyError));
      } else {
        valid.body = request.body as Record<string, unknown>;
      }
    }
    if (errors.length) throw new HttpError(422, "the request is not valid", errors);
    return valid;
  }
}

/**
 * A parameter's schema without its `null` alternative (`anyOf: [X, {type: "null"}]`): a query string never
 * carries a JSON null, and with the alternative Ajv's coercion turns "false", "0" and "" into null.
 */
function withoutNull(schema: Record<string, unknown>): Record<string, unknown> {
  const options = schema.anyOf;
  if (!Array.isArray(options)) return schema;
  const kept = (options as Record<string, unknown>[]).filter((option) => option.type !== "null");
  if (kept.length !== 1 || kept.length === options.length) return schema;
  const rest = { ...schema };
  delete rest.anyOf;
  return { ...rest, ...kept[0] };
}

function describe(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  return first?.message ?? "is not valid";
}

function bodyError(error: ErrorObject): FieldError {
  let path = error.instancePath;
  if (error.keyword === "required") path += `/${String(error.params.missingProperty)}`;
  if (error.keyword === "additionalProperties") path += `/${String(error.params.additionalProperty)}`;
  const detail = error.keyword === "additionalProperties" ? "is not allowed" : (error.message ?? "is not valid");
  return { pointer: `#${path}`, detail };
}
