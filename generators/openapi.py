"""The OpenAPI document of a generated ``python-fastapi`` project, computed from the render context.

``build_openapi(context)`` returns exactly what the generated app's ``app.openapi()`` returns (FastAPI
0.165 + pydantic 2.14, as pinned by the template), so the generated ``openapi.yaml`` is the app's real
contract: the generated project's test suite asserts ``app.openapi() == yaml.safe_load(openapi.yaml)``.

When the routes, models or pins of ``templates/stack/python-fastapi`` change, this module must change
with them. ``validate_context`` checks that the context holds a normalised model (``expert.model``);
whether its names are free in the generated code is computed by ``expert.generators.names``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from expert.generators.relational import INT32_MAX, MAX_ID, relational

__all__ = ["APP_VERSION", "OpenAPIContextError", "build_openapi", "operations", "validate_context"]

APP_VERSION = "0.1.0"  # the version in the generated pyproject.toml and app/main.py
FIELD_TYPES = ("string", "text", "integer", "decimal", "boolean", "date", "datetime", "uuid", "enum", "json")
SORT_HELP = "Sort by this field (prefix - for descending); ties are broken by id"
NO_NUL = r"^[^\x00]*$"
EMAIL_PATTERN = r"^[^@\x00-\x20\x7f]+@[^@\x00-\x20\x7f]+\.[^@\x00-\x20\x7f]+$"
PASSWORD_PATTERN = r"^[^\x00]*[^\x00\x09-\x0d\x20][^\x00]*$"

REF = "#/components/schemas/"
JSON = "application/json"
PROBLEM_JSON = "application/problem+json"  # RFC 9457

ENTITY_NAME_RE = re.compile(r"^[A-Z][A-Za-z0-9]*$")
FIELD_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class OpenAPIContextError(ValueError):
    """The context holds a value the python-fastapi template cannot turn into valid code."""


# --------------------------------------------------------------------------------------- checks


def _cookiecutter(context: Mapping[str, Any]) -> Mapping[str, Any]:
    """Accept either the cookiecutter dict itself or ``{"cookiecutter": {...}}``."""
    inner = context.get("cookiecutter")
    return inner if isinstance(inner, Mapping) else context


def validate_context(context: Mapping[str, Any]) -> None:
    """Raise OpenAPIContextError unless the context holds a model the template can render: the auth
    scheme it supports, and entities as ``expert.model.parse_entities`` normalises them (a model built
    by hand is checked for the shape only; the model's own rules are enforced when it is parsed)."""
    cc = _cookiecutter(context)
    if cc.get("auth") not in ("jwt", "session-cookie"):
        raise OpenAPIContextError(f"auth must be jwt or session-cookie, not {cc.get('auth')!r}")
    entities = cc.get("entities")
    if not isinstance(entities, list) or not entities:
        raise OpenAPIContextError("entities must be a non-empty list")
    for entity in entities:
        name = entity.get("name", "")
        if not ENTITY_NAME_RE.match(name) or not isinstance(entity.get("fields"), list) or not entity["fields"]:
            raise OpenAPIContextError(f"entity {name!r}: a PascalCase name and at least one field are needed")
        for field in entity["fields"]:
            fname = field.get("name", "")
            if not FIELD_RE.match(fname) or field.get("type") not in FIELD_TYPES:
                raise OpenAPIContextError(f"{name}.{fname}: a snake_case name and a type of {', '.join(FIELD_TYPES)} are needed")
            if not all(isinstance(field.get(flag), bool) for flag in ("required", "unique")):
                raise OpenAPIContextError(f"{name}.{fname}: required and unique must be true or false")


# ------------------------------------------------------------------------------------- helpers


def _title(name: str) -> str:
    """pydantic's default title for a field or parameter."""
    return name.title().replace("_", " ").strip()


def _ref(model: str) -> dict[str, Any]:
    return {"$ref": REF + model}


def _json_response(description: str, model: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ref(model)}}}


def _problem(description: str) -> dict[str, Any]:
    """An error response: RFC 9457 problem details (PROBLEM)."""
    return {"description": description, "content": {PROBLEM_JSON: {"schema": _ref("Problem")}}}


def _object(title: str, properties: dict[str, Any], required: list[str], strict: bool) -> dict:
    schema: dict[str, Any] = {"properties": properties}
    if strict:
        schema["additionalProperties"] = False
    schema["type"] = "object"
    if required:
        schema["required"] = required
    schema["title"] = title
    return schema


def _nullable(schema: dict[str, Any], title: str) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}], "title": title}


def _input_type(field: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON schema of a request field's type (constraints included, title excluded), from the
    relational view's field (expert.generators.relational)."""
    ftype = field["type"]
    if ftype in ("string", "text"):
        schema: dict[str, Any] = {"type": "string"}
        if field["max_length_eff"] is not None:
            schema["maxLength"] = field["max_length_eff"]
        if field["min_length"]:
            schema["minLength"] = field["min_length"]
        schema["pattern"] = NO_NUL
        return schema
    if ftype == "integer":
        return {"type": "integer", "maximum": field["le"], "minimum": field["ge"]}
    if ftype == "decimal":
        return {"type": "string", "pattern": field["pattern"]}
    if ftype == "enum":
        values = list(field["values"])
        if len(values) == 1:
            return {"type": "string", "const": values[0]}
        return {"type": "string", "enum": values}
    return _plain_type(ftype)


def _plain_type(ftype: str) -> dict[str, Any]:
    """The JSON schema of a value of this type without constraints (responses, json)."""
    return {
        "string": {"type": "string"},
        "text": {"type": "string"},
        "enum": {"type": "string"},
        "decimal": {"type": "string"},
        "integer": {"type": "integer"},
        "boolean": {"type": "boolean"},
        "date": {"type": "string", "format": "date"},
        "datetime": {"type": "string", "format": "date-time"},
        "uuid": {"type": "string", "format": "uuid"},
        "json": {},
    }[ftype]


def _input_property(field: Mapping[str, Any], *, create: bool) -> dict[str, Any]:
    title = _title(field["name"])
    if field["type"] == "json":
        schema: dict[str, Any] = {"title": title}
    elif field["required"]:
        schema = {**_input_type(field), "title": title}
    else:
        schema = _nullable(_input_type(field), title)
    if create and field.get("has_default"):
        schema["default"] = field["default_value"]
    return schema


def _output_property(field: Mapping[str, Any]) -> dict[str, Any]:
    title = _title(field["name"])
    schema = _plain_type(field["type"])
    if field["required"] or field["type"] == "json":
        return {**schema, "title": title}
    return _nullable(schema, title)


def _simple(title: str, **types: str) -> dict[str, Any]:
    properties = {name: {"type": json_type, "title": _title(name)} for name, json_type in types.items()}
    return _object(title, properties, list(types), strict=False)


DATETIME = {"type": "string", "format": "date-time"}

# RFC 9457 problem details: the one error body of every stack and every error status. `errors`
# (validation, 422 only) has one item per problem, located by a JSON Pointer into the body
# (`#/field`) or by the name of a query/path parameter; the submitted value is never echoed.
PROBLEM = {
    "properties": {
        "type": {"type": "string", "title": "Type"},
        "title": {"type": "string", "title": "Title"},
        "status": {"type": "integer", "title": "Status"},
        "detail": {"type": "string", "title": "Detail"},
        "errors": {
            "items": {
                "properties": {
                    "pointer": {"type": "string", "title": "Pointer"},
                    "parameter": {"type": "string", "title": "Parameter"},
                    "detail": {"type": "string", "title": "Detail"},
                },
                "type": "object",
                "required": ["detail"],
                "anyOf": [{"required": ["pointer"]}, {"required": ["parameter"]}],
            },
            "type": "array",
            "title": "Errors",
        },
    },
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "title": "Problem",
}


# ------------------------------------------------------------------------------------ document


def build_openapi(context: Mapping[str, Any]) -> dict[str, Any]:
    """The OpenAPI 3.1 document the generated app serves, as plain dicts/lists/str/int/bool."""
    validate_context(context)
    cc = _cookiecutter(context)
    jwt = cc["auth"] == "jwt"

    bad_body = {"400": _problem("Malformed request body")}
    unauthorized = {"401": _problem("Not authenticated")}
    csrf_failed = {} if jwt else {"403": _problem("CSRF token missing or invalid")}
    not_found = {"404": _problem("Not found")}
    conflict = {"409": _problem("Conflict")}
    invalid = {"422": _problem("Validation failed")}
    throttled = _too_many_requests(cc)
    read_security = [{"BearerAuth": []}] if jwt else [{"SessionCookie": []}]
    # The generated app merges the session cookie and the CSRF header into one requirement (AND).
    write_security = [{"BearerAuth": []}] if jwt else [{"SessionCookie": [], "CSRFToken": []}]

    def operation(
        tag: str,
        summary: str,
        operation_id: str,
        responses: dict[str, Any],
        *,
        parameters: list[dict[str, Any]] | None = None,
        body: str | None = None,
        security: list[dict[str, list[str]]] | None = None,
    ) -> dict[str, Any]:
        op: dict[str, Any] = {"tags": [tag], "summary": summary, "operationId": operation_id}
        if security:
            op["security"] = security
        if parameters:
            op["parameters"] = parameters
        if body:
            op["requestBody"] = {"required": True, "content": {JSON: {"schema": _ref(body)}}}
        op["responses"] = dict(responses)
        if parameters or body:
            op["responses"].update(invalid)
        if body:  # the app's body size limit (MAX_REQUEST_BODY_BYTES)
            op["responses"]["413"] = _problem("Request body too large")
        return op

    def ok(model: str | None, status: str = "200") -> dict[str, Any]:
        if model is None:
            return {status: {"description": "Successful Response"}}
        return {status: _json_response("Successful Response", model)}

    paths: dict[str, Any] = {
        "/health/live": {"get": operation("health", "Liveness probe", "health_live", ok("HealthStatus"))},
        "/health/ready": {
            "get": operation(
                "health",
                "Readiness probe (checks the database)",
                "health_ready",
                {**ok("HealthStatus"), "503": _json_response("Database unavailable", "HealthStatus")},
            )
        },
        "/api/v1/auth/register": {
            "post": operation(
                "auth",
                "Create an account (the same answer when the address is already registered)",
                "auth_register",
                {**ok("Registration", "201"), **bad_body, **throttled},
                body="UserCreate",
            )
        },
    }
    locked = _throttled()  # the per-account backoff after failed logins, whatever rate_limiting says
    bad_login = {
        **bad_body,
        "401": _problem("Invalid email or password"),
        **locked,
    }
    if jwt:
        paths["/api/v1/auth/login"] = {
            "post": operation(
                "auth",
                "Exchange credentials for an access token and a refresh token",
                "auth_login",
                {**ok("Token"), **bad_login},
                body="LoginRequest",
            )
        }
        paths["/api/v1/auth/refresh"] = {
            "post": operation(
                "auth",
                "Exchange a refresh token for new tokens (the old refresh token stops working)",
                "auth_refresh",
                {**ok("Token"), **bad_body, "401": _problem("Invalid, expired or reused refresh token")},
                body="RefreshRequest",
            )
        }
        logout_summary = "End the session: its access and refresh tokens stop working"
        wrong_password = "Wrong current password"
    else:
        paths["/api/v1/auth/login"] = {
            "post": operation(
                "auth",
                "Open a session (sets the HttpOnly session cookie and the csrf_token cookie)",
                "auth_login",
                {**ok("SessionInfo"), **bad_login},
                body="LoginRequest",
            )
        }
        logout_summary = "End the session (the cookie stops working, even if kept) and clear the cookies"
        wrong_password = "CSRF token missing or invalid, or wrong current password"
    paths["/api/v1/auth/logout"] = {
        "post": operation(
            "auth", logout_summary, "auth_logout", {**ok(None, "204"), **unauthorized, **csrf_failed}, security=write_security
        )
    }
    paths["/api/v1/auth/password"] = {
        "post": operation(
            "auth",
            "Change the password (the current one is required); ends every other session",
            "auth_change_password",
            {**ok(None, "204"), **bad_body, **unauthorized, "403": _problem(wrong_password), **locked},
            body="PasswordChange",
            security=write_security,
        )
    }
    paths["/api/v1/users/me"] = {
        "get": operation(
            "users",
            "The current user",
            "users_me",
            {**ok("UserRead"), **unauthorized},
            security=read_security,
        )
    }

    schemas: dict[str, Any] = {
        "HealthStatus": _simple("HealthStatus", status="string"),
        "LoginRequest": _object(
            "LoginRequest",
            {
                "email": _email(),
                "password": {"type": "string", "maxLength": 128, "minLength": 1, "title": "Password"},
            },
            ["email", "password"],
            strict=True,
        ),
        "PasswordChange": _object(
            "PasswordChange",
            {
                "current_password": {"type": "string", "maxLength": 128, "minLength": 1, "title": "Current Password"},
                "new_password": _new_password("New Password"),
            },
            ["current_password", "new_password"],
            strict=True,
        ),
        "UserCreate": _object(
            "UserCreate",
            {
                "email": _email(),
                "password": _new_password("Password"),
            },
            ["email", "password"],
            strict=True,
        ),
        "UserRead": _object(
            "UserRead",
            {
                "id": {"type": "integer", "title": "Id"},
                "email": {"type": "string", "title": "Email"},
                "created_at": {**DATETIME, "title": "Created At"},
            },
            ["id", "email", "created_at"],
            strict=False,
        ),
        "Problem": PROBLEM,
    }
    if jwt:
        schemas["Token"] = _simple(
            "Token", access_token="string", token_type="string", expires_in="integer", refresh_token="string"
        )
        schemas["RefreshRequest"] = _object(
            "RefreshRequest",
            {"refresh_token": {"type": "string", "maxLength": 4096, "minLength": 1, "title": "Refresh Token"}},
            ["refresh_token"],
            strict=True,
        )
    else:
        schemas["SessionInfo"] = _simple("SessionInfo", csrf_token="string", expires_in="integer")
    schemas["Registration"] = {
        **_simple("Registration", email="string"),
        "description": "The answer to a registration, the same whether or not the address was already taken.",
    }

    model = relational(cc)
    uuid_ids = model["id_kind"] == "uuid"
    id_out = {"type": "string", "format": "uuid"} if uuid_ids else {"type": "integer"}
    id_in = {"type": "string", "format": "uuid"} if uuid_ids else {"type": "integer", "maximum": MAX_ID, "minimum": 1}
    for entity in model["entities"]:
        name, plural, fields = entity["name"], entity["plural"], entity["fields"]
        var = entity["var"]
        plural_id = entity["plural_id"]
        tag = plural
        maybe_conflict = conflict if entity["has_unique"] else {}
        maybe_missing = not_found if entity["has_refs"] else {}
        delete_conflict = conflict if entity["restricted"] else {}
        listing = [
            _query("limit", "Page size", 20, minimum=1, maximum=100),
            _query("offset", "Items to skip", 0, minimum=0, maximum=INT32_MAX),
            {
                "name": "sort",
                "in": "query",
                "required": False,
                "schema": {
                    "enum": entity["sort_values"],
                    "type": "string",
                    "description": SORT_HELP,
                    "default": "id",
                    "title": "Sort",
                },
                "description": SORT_HELP,
            },
        ]
        for flt in entity["filters"]:
            value_schema = id_in if flt["kind"] == "id" else _input_type(flt["field"])
            listing.append(
                {
                    "name": flt["name"],
                    "in": "query",
                    "required": False,
                    "schema": _nullable(value_schema, flt["title"]),
                }
            )
        item_id = [
            {
                "name": f"{var}_id",
                "in": "path",
                "required": True,
                "schema": {**id_in, "title": _title(f"{var}_id")},
            }
        ]
        paths[f"/api/v1/{plural}"] = {
            "get": operation(
                tag,
                f"List {plural}",
                f"list_{plural_id}",
                {**ok(f"{name}Page"), **unauthorized},
                parameters=listing,
                security=read_security,
            ),
            "post": operation(
                tag,
                f"Create {name}",
                f"create_{var}",
                {**ok(f"{name}Read", "201"), **bad_body, **unauthorized, **csrf_failed, **maybe_missing, **maybe_conflict},
                body=f"{name}Create",
                security=write_security,
            ),
        }
        paths[f"/api/v1/{plural}/{{{var}_id}}"] = {
            "get": operation(
                tag,
                f"Get {name}",
                f"get_{var}",
                {**ok(f"{name}Read"), **unauthorized, **not_found},
                parameters=item_id,
                security=read_security,
            ),
            "patch": operation(
                tag,
                f"Update {name} (only the fields sent)",
                f"update_{var}",
                {
                    **ok(f"{name}Read"),
                    **bad_body,
                    **unauthorized,
                    **csrf_failed,
                    **not_found,
                    **maybe_conflict,
                },
                parameters=item_id,
                body=f"{name}Update",
                security=write_security,
            ),
            "delete": operation(
                tag,
                f"Delete {name}",
                f"delete_{var}",
                {**ok(None, "204"), **unauthorized, **csrf_failed, **not_found, **delete_conflict},
                parameters=item_id,
                security=write_security,
            ),
        }

        def link_properties(create: bool, entity: Mapping[str, Any] = entity) -> dict[str, Any]:
            props: dict[str, Any] = {}
            for r in entity["many_to_one"]:
                props[r["column"]] = {**id_in, "title": r["title"]} if r["required"] else _nullable(id_in, r["title"])
            for r in entity["many_to_many"]:
                props[r["field"]] = {"items": id_in, "type": "array", "title": r["title"]}
                if create:
                    props[r["field"]]["default"] = []
            return props

        create_required = [f["name"] for f in fields if f["required"] and not f["has_default"]]
        create_required += [r["column"] for r in entity["many_to_one"] if r["required"]]
        schemas[f"{name}Create"] = _object(
            f"{name}Create",
            {**{field["name"]: _input_property(field, create=True) for field in fields}, **link_properties(True)},
            create_required,
            strict=True,
        )
        # PATCH: every field may be omitted; a required field may not be set to null.
        schemas[f"{name}Update"] = _object(
            f"{name}Update",
            {**{field["name"]: _input_property(field, create=False) for field in fields}, **link_properties(False)},
            [],
            strict=True,
        )
        read_properties = {
            "id": {**id_out, "title": "Id"},
            **{field["name"]: _output_property(field) for field in fields},
        }
        for r in entity["many_to_one"]:
            read_properties[r["column"]] = {**id_out, "title": r["title"]} if r["required"] else _nullable(id_out, r["title"])
        for r in entity["many_to_many"]:
            read_properties[r["field"]] = {"items": id_out, "type": "array", "title": r["title"]}
        read_properties["created_at"] = {**DATETIME, "title": "Created At"}
        read_properties["updated_at"] = {**DATETIME, "title": "Updated At"}
        schemas[f"{name}Read"] = _object(f"{name}Read", read_properties, list(read_properties), strict=False)
        schemas[f"{name}Page"] = _object(
            f"{name}Page",
            {
                "items": {"items": _ref(f"{name}Read"), "type": "array", "title": "Items"},
                "total": {"type": "integer", "title": "Total"},
                "limit": {"type": "integer", "title": "Limit"},
                "offset": {"type": "integer", "title": "Offset"},
            },
            ["items", "total", "limit", "offset"],
            strict=False,
        )

    if jwt:
        security_schemes = {"BearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
    else:
        security_schemes = {
            "SessionCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
            "CSRFToken": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
        }

    # The app's title is the project name on one line (whitespace collapsed, like the one_line filter).
    info: dict[str, Any] = {"title": " ".join(str(cc["project_name"]).split())}
    description = str(cc.get("project_description") or "")
    if description:  # FastAPI leaves out an empty description
        info["description"] = description
    info["version"] = APP_VERSION
    return {
        "openapi": "3.1.0",
        "info": info,
        "paths": paths,
        "components": {
            "schemas": {key: schemas[key] for key in sorted(schemas)},
            "securitySchemes": security_schemes,
        },
    }


def operations(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The document's operations in its order, for templates that write one handler per operation (the Go
    stacks implement the server interface oapi-codegen generates from the document): operationId, method,
    path, the path parameters (name and schema, in path order) and whether it takes query parameters."""
    out = []
    for path, item in document["paths"].items():
        for method, op in item.items():
            parameters = op.get("parameters") or []
            out.append({
                "id": op["operationId"],
                "method": method.upper(),
                "path": path,
                "path_params": [{"name": p["name"], "schema": p["schema"]} for p in parameters if p["in"] == "path"],
                "query": any(p["in"] == "query" for p in parameters),
            })
    return out


def _too_many_requests(cc: Mapping[str, Any]) -> dict[str, Any]:
    """The 429 of registration, when the app rate limits it (decisions.rate_limiting)."""
    decisions = cc.get("decisions") or {}
    if decisions.get("rate_limiting") not in ("app-level", "redis"):
        return {}
    return _throttled()


def _throttled() -> dict[str, Any]:
    """429 with Retry-After: the rate limiter's, or the per-account backoff's (same response)."""
    response = _problem("Too many requests")
    response["headers"] = {
        "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}
    }
    return {"429": response}


def _new_password(title: str) -> dict[str, Any]:
    """A new password: 12 to 128 characters, not blank, no NUL (the app also refuses common ones)."""
    return {"type": "string", "maxLength": 128, "minLength": 12, "pattern": PASSWORD_PATTERN, "title": title}


def _email() -> dict[str, Any]:
    return {
        "type": "string",
        "maxLength": 254,
        "minLength": 3,
        "pattern": EMAIL_PATTERN,
        "title": "Email",
    }


def _query(name: str, description: str, default: int, *, minimum: int, maximum: int) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {
            "type": "integer",
            "maximum": maximum,
            "minimum": minimum,
            "description": description,
            "default": default,
            "title": _title(name),
        },
        "description": description,
    }
