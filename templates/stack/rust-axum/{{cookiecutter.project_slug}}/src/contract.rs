//! Spec-first validation: every request is checked against openapi.yaml (the contract, embedded) before
//! any logic sees it. The path and query parameters against their schemas, the JSON body member by member
//! against the operation's request schema (missing and unknown members first, by name), each with the
//! JSON Schema validator of the `jsonschema` crate; every problem becomes a located entry of one 422.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, Method, StatusCode, header};
use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, Validator};
use serde_json::{Map, Value};

use crate::problem::{FieldError, Problem};

/// The contract, as served at /openapi.yaml.
pub const OPENAPI: &str = include_str!("../openapi.yaml");

/// Where a parameter is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum In {
    Path,
    Query,
}

/// The JSON type a parameter's text stands for (query strings are text).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Primitive {
    Integer,
    Boolean,
    Text,
}

/// One declared parameter of an operation and its schema.
struct Parameter {
    name: String,
    location: In,
    required: bool,
    primitive: Primitive,
    validator: Validator,
}

/// The JSON object an operation takes: its required members and a validator per member.
struct BodySchema {
    required: Vec<String>,
    properties: BTreeMap<String, Validator>,
}

/// One operation of the contract.
pub struct Operation {
    pub id: String,
    pub method: Method,
    /// The contract's path template (`/api/v1/books/{book_id}`), which is also axum's route syntax.
    pub path: String,
    /// Whether the operation needs credentials (it lists a security requirement).
    pub secured: bool,
    parameters: Vec<Parameter>,
    body: Option<BodySchema>,
}

/// A request as the contract sees it: its path parameters, query pairs, headers and raw body.
pub struct Input<'a> {
    pub path_params: &'a BTreeMap<String, String>,
    pub query: &'a [(String, String)],
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

/// The parsed contract.
pub struct Contract {
    pub document: Value,
    operations: Vec<Operation>,
}

impl Contract {
    /// Parses the embedded openapi.yaml and compiles the validators of every operation.
    pub fn load() -> Result<Self, String> {
        let document: Value =
            serde_yaml::from_str(OPENAPI).map_err(|error| format!("openapi.yaml: {error}"))?;
        let mut operations = Vec::new();
        let paths = document["paths"].as_object().ok_or("openapi.yaml has no paths")?;
        for (path, item) in paths {
            for (method, operation) in item.as_object().into_iter().flatten() {
                let method = Method::from_bytes(method.to_uppercase().as_bytes())
                    .map_err(|_| format!("openapi.yaml: {path}: unknown method {method}"))?;
                operations.push(compile_operation(&document, path, method, operation)?);
            }
        }
        Ok(Self { document, operations })
    }

    /// Every operation, in the contract's order.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The operation of that operationId.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|operation| operation.id == id)
    }

    /// The name of the API key of the security schemes in `location` (cookie: the session cookie, header:
    /// the CSRF header), when the contract has one.
    pub fn api_key_name(&self, location: &str) -> Option<String> {
        let schemes = self.document["components"]["securitySchemes"].as_object()?;
        schemes.values().find_map(|scheme| {
            (scheme["type"] == "apiKey" && scheme["in"] == location)
                .then(|| scheme["name"].as_str().map(str::to_owned))
                .flatten()
        })
    }
}

fn compile_operation(
    document: &Value,
    path: &str,
    method: Method,
    operation: &Value,
) -> Result<Operation, String> {
    let id = operation["operationId"]
        .as_str()
        .ok_or(format!("openapi.yaml: {path} has no operationId"))?;
    let secured = operation["security"]
        .as_array()
        .is_some_and(|requirements| !requirements.is_empty());
    let mut parameters = Vec::new();
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        let schema = &parameter["schema"];
        parameters.push(Parameter {
            name: parameter["name"].as_str().unwrap_or_default().to_owned(),
            location: if parameter["in"] == "path" {
                In::Path
            } else {
                In::Query
            },
            required: parameter["required"].as_bool().unwrap_or(false),
            primitive: primitive_of(schema),
            validator: compile(schema).map_err(|error| format!("{id}: {error}"))?,
        });
    }
    let body = match operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str() {
        Some(reference) => Some(compile_body(document, reference).map_err(|error| format!("{id}: {error}"))?),
        None => None,
    };
    Ok(Operation {
        id: id.to_owned(),
        method,
        path: path.to_owned(),
        secured,
        parameters,
        body,
    })
}

fn compile_body(document: &Value, reference: &str) -> Result<BodySchema, String> {
    let pointer = reference.trim_start_matches('#');
    let schema = document
        .pointer(pointer)
        .ok_or(format!("no schema {reference}"))?;
    let required = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    let mut properties = BTreeMap::new();
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        properties.insert(name.clone(), compile(property)?);
    }
    Ok(BodySchema {
        required: required.map(str::to_owned).collect(),
        properties,
    })
}

/// A JSON Schema 2020-12 validator (OpenAPI 3.1's dialect) that checks formats, calendar dates and
/// RFC 3339 instants included.
fn compile(schema: &Value) -> Result<Validator, String> {
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .with_format("date", |text: &str| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
        })
        .with_format("date-time", |text: &str| {
            chrono::DateTime::parse_from_rfc3339(text).is_ok()
        })
        .build(schema)
        .map_err(|error| error.to_string())
}

/// The JSON type of a parameter: its schema's type, or that of its non-null `anyOf` branch.
fn primitive_of(schema: &Value) -> Primitive {
    let types: Vec<&str> = std::iter::once(schema)
        .chain(schema["anyOf"].as_array().into_iter().flatten())
        .filter_map(|branch| branch["type"].as_str())
        .collect();
    if types.contains(&"integer") {
        Primitive::Integer
    } else if types.contains(&"boolean") {
        Primitive::Boolean
    } else {
        Primitive::Text
    }
}

impl Operation {
    /// Whether the operation takes a JSON body.
    pub fn has_body(&self) -> bool {
        self.body.is_some()
    }

    /// Validates the request and returns the body's members (an empty map without a body), or the problem:
    /// 400 for a body that is not JSON, 422 with every located problem otherwise.
    pub fn check(&self, input: &Input<'_>) -> Result<Map<String, Value>, Problem> {
        let mut errors = self.parameter_errors(input);
        let mut members = Map::new();
        if let Some(schema) = &self.body {
            let value = decode_body(input.headers, input.body)?;
            errors.extend(body_errors(schema, &value));
            if let Value::Object(object) = value {
                members = object;
            }
        }
        if errors.is_empty() {
            Ok(members)
        } else {
            Err(Problem::invalid(errors))
        }
    }

    fn parameter_errors(&self, input: &Input<'_>) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for parameter in &self.parameters {
            let text = match parameter.location {
                In::Path => input.path_params.get(&parameter.name).map(String::as_str),
                In::Query => input
                    .query
                    .iter()
                    .find(|(name, _)| *name == parameter.name)
                    .map(|(_, v)| v.as_str()),
            };
            let Some(text) = text else {
                if parameter.required {
                    errors.push(FieldError::parameter(&parameter.name, "is required"));
                }
                continue;
            };
            let problem = match as_json(parameter.primitive, text) {
                Some(value) => parameter
                    .validator
                    .iter_errors(&value)
                    .next()
                    .map(|error| describe(error.kind())),
                None => Some(wrong_type(parameter.primitive)),
            };
            if let Some(detail) = problem {
                errors.push(FieldError::parameter(&parameter.name, detail));
            }
        }
        errors
    }
}

/// The JSON value a parameter's text stands for, None when it is not of the parameter's type. An integer
/// may be written as JSON Schema allows (5, 5.0, 5e0).
fn as_json(primitive: Primitive, text: &str) -> Option<Value> {
    match primitive {
        Primitive::Integer => {
            if let Ok(integer) = text.parse::<i64>() {
                return Some(Value::from(integer));
            }
            let number = text
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && n.fract() == 0.0)?;
            serde_json::Number::from_f64(number).map(Value::Number)
        }
        Primitive::Boolean => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        Primitive::Text => Some(Value::String(text.to_owned())),
    }
}

fn wrong_type(primitive: Primitive) -> String {
    match primitive {
        Primitive::Integer => "must be an integer".to_owned(),
        Primitive::Boolean => "must be true or false".to_owned(),
        Primitive::Text => "is not valid".to_owned(),
    }
}

/// The JSON body, or the 400 of a body that is not JSON (or not sent as JSON).
fn decode_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, Problem> {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_ascii_lowercase());
    if media_type.as_deref() != Some("application/json") {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "the request body must be JSON (Content-Type: application/json)",
        ));
    }
    serde_json::from_slice(body)
        .map_err(|_| Problem::new(StatusCode::BAD_REQUEST, "the request body is not valid JSON"))
}

/// The members first (missing and unknown ones, located by name), then every value.
fn body_errors(schema: &BodySchema, value: &Value) -> Vec<FieldError> {
    let Value::Object(members) = value else {
        return vec![FieldError::member("#", "must be a JSON object")];
    };
    let mut errors: Vec<FieldError> = schema
        .required
        .iter()
        .filter(|name| !members.contains_key(*name))
        .map(|name| FieldError::member(format!("#/{name}"), "is required"))
        .collect();
    for (name, member) in members {
        let pointer = format!("#/{}", name.replace('~', "~0").replace('/', "~1"));
        match schema.properties.get(name) {
            None => errors.push(FieldError::member(pointer, "is not allowed")),
            Some(validator) => {
                if let Some(error) = validator.iter_errors(member).next() {
                    errors.push(FieldError::member(pointer, describe(error.kind())));
                }
            }
        }
    }
    errors
}

/// What is wrong, in a few words, never with the refused value.
fn describe(kind: &ValidationErrorKind) -> String {
    match kind {
        ValidationErrorKind::Type { .. } | ValidationErrorKind::AnyOf { .. } => "has the wrong type or form",
        ValidationErrorKind::MaxLength { .. } => "is too long",
        ValidationErrorKind::MinLength { .. } => "is too short",
        ValidationErrorKind::Pattern { .. } => "has the wrong form",
        ValidationErrorKind::Enum { .. } => "is not one of the allowed values",
        ValidationErrorKind::Minimum { .. } | ValidationErrorKind::ExclusiveMinimum { .. } => "is too small",
        ValidationErrorKind::Maximum { .. } | ValidationErrorKind::ExclusiveMaximum { .. } => "is too large",
        ValidationErrorKind::Format { format } => {
            return format!("is not a valid {}", format.replace('-', " "));
        }
        ValidationErrorKind::MaxItems { .. }
        | ValidationErrorKind::MinItems { .. }
        | ValidationErrorKind::UniqueItems => "has the wrong number of items",
        _ => "is not valid",
    }
    .to_owned()
}

impl Contract {
    /// The methods the contract has for a request path (none: no such path), for a 405's Allow.
    pub fn allowed(&self, path: &str) -> Vec<Method> {
        let segments: Vec<&str> = path.split('/').collect();
        let matches = |template: &str| {
            let want: Vec<&str> = template.split('/').collect();
            want.len() == segments.len()
                && want
                    .iter()
                    .zip(&segments)
                    .all(|(w, g)| w.starts_with('{') || w == g)
        };
        self.operations
            .iter()
            .filter(|operation| matches(&operation.path))
            .map(|operation| operation.method.clone())
            .collect()
    }
}
