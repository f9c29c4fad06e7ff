//! Every operation of the contract, whatever route serves it: `App::serve` authenticates (and checks the
//! CSRF token of cookie sessions), limits, validates against openapi.yaml (contract.rs), then runs the
//! operation by its operationId; every error is problem details.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use serde_json::{Map, Value, json};

use crate::accounts::{Accounts, Current};
use crate::config::Settings;
use crate::contract::{Contract, Input, Operation};
use crate::model::{Entity, Model};
use crate::problem::{FieldError, Problem};
use crate::rows::{ListQuery, Rows};
use crate::store::{Store, StoreError};

/// What an operation answers: a status, a JSON body (None: no body), headers (cookies included).
pub struct Reply {
    pub status: StatusCode,
    pub body: Option<Value>,
    pub headers: HeaderMap,
}

impl Reply {
    pub fn json(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            body: Some(body),
            headers: HeaderMap::new(),
        }
    }

    pub fn empty(status: StatusCode) -> Self {
        Self {
            status,
            body: None,
            headers: HeaderMap::new(),
        }
    }
}

/// A request to one operation, as the router hands it over.
pub struct Request {
    pub method: Method,
    pub headers: HeaderMap,
    pub path_params: BTreeMap<String, String>,
    pub query: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The client's address (`X-Forwarded-For` only from TRUSTED_PROXIES, web.rs).
    pub client_ip: String,
}

/// A validated request: its body's members and who makes it.
pub struct Call<'a> {
    pub request: &'a Request,
    pub body: Map<String, Value>,
    pub current: Option<Current>,
}

impl Call<'_> {
    /// The authenticated user and session (the operation is secured, so there is one).
    pub fn current(&self) -> Result<&Current, Problem> {
        self.current
            .as_ref()
            .ok_or_else(|| Problem::new(StatusCode::UNAUTHORIZED, "not authenticated"))
    }

    /// A text member of the body ("" when absent: the contract made it required where it must be).
    pub fn text(&self, name: &str) -> String {
        self.body
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }
}

/// The whole application, framework-neutral.
pub struct App {
    pub settings: Settings,
    pub contract: Contract,
    pub model: Arc<Model>,
    pub store: Store,
    pub rows: Rows,
    pub accounts: Accounts,
    /// Set once a graceful shutdown begins: readiness then refuses traffic.
    pub stopping: AtomicBool,
}

impl App {
    /// Assembles the application over a connected store; refuses a contract with an operation it lacks.
    pub async fn new(settings: Settings, store: Store) -> Result<Self, String> {
        let contract = Contract::load()?;
        let model = Arc::new(Model::load()?);
        let accounts = Accounts::new(&settings, &contract, &model).await?;
        let rows = Rows {
            store: store.clone(),
            model: Arc::clone(&model),
        };
        let app = Self {
            settings,
            contract,
            model,
            store,
            rows,
            accounts,
            stopping: AtomicBool::new(false),
        };
        for operation in app.contract.operations() {
            if !app.implements(&operation.id) {
                return Err(format!(
                    "openapi.yaml has an operation the server does not implement: {}",
                    operation.id
                ));
            }
        }
        Ok(app)
    }

    fn implements(&self, id: &str) -> bool {
        matches!(id, "health_live" | "health_ready")
            || Accounts::OPERATIONS.contains(&id) && (id != "auth_refresh" || !self.model.cookie_sessions())
            || self.entity_operation(id).is_some()
    }

    /// The entity an operationId is one of the CRUD operations of.
    fn entity_operation(&self, id: &str) -> Option<&Entity> {
        self.model.entities.iter().find(|e| {
            let ops = &e.operations;
            [&ops.list, &ops.create, &ops.get, &ops.update, &ops.delete]
                .iter()
                .any(|op| *op == id)
        })
    }

    /// Runs the operation `id` for the request; an error is answered with its problem details.
    pub async fn serve(&self, id: &str, request: &Request) -> Result<Reply, Problem> {
        let operation = self.contract.operation(id).ok_or_else(Problem::not_found)?;
        let current = if operation.secured {
            Some(self.accounts.authenticate(&self.store, request).await?)
        } else {
            None
        };
        self.accounts.limited(id, &request.client_ip)?;
        let body = check(operation, request)?;
        let call = Call {
            request,
            body,
            current,
        };
        match id {
            "health_live" => Ok(Reply::json(StatusCode::OK, json!({"status": "ok"}))),
            "health_ready" => Ok(self.ready().await),
            _ if Accounts::OPERATIONS.contains(&id) => self.accounts.serve(&self.store, id, &call).await,
            _ => {
                let entity = self.entity_operation(id).ok_or_else(Problem::not_found)?;
                self.crud(entity, id, &call).await
            }
        }
    }

    async fn ready(&self) -> Reply {
        if !self.stopping.load(Ordering::Relaxed) && self.store.ping().await {
            Reply::json(StatusCode::OK, json!({"status": "ok"}))
        } else {
            Reply::json(StatusCode::SERVICE_UNAVAILABLE, json!({"status": "unavailable"}))
        }
    }

    /// The CRUD of one entity. Lists are paginated (limit/offset), sorted (`sort=field|-field`, then by id)
    /// and filtered by equality on the model's filters. A referenced row must be one of the user's, else
    /// 404; a unique value taken, or deleting a row a `restrict` relation still references, is a 409.
    async fn crud(&self, entity: &Entity, id: &str, call: &Call<'_>) -> Result<Reply, Problem> {
        let owner = call.current()?.user.id;
        let row_id = call
            .request
            .path_params
            .get(&entity.id_param)
            .cloned()
            .unwrap_or_default();
        let ops = &entity.operations;
        if id == ops.list {
            return self.list(entity, owner, call).await;
        }
        if id == ops.delete {
            self.rows
                .delete(entity, owner, &row_id)
                .await
                .map_err(store_problem)?;
            return Ok(Reply::empty(StatusCode::NO_CONTENT));
        }
        if id == ops.get {
            let row = self
                .rows
                .get(entity, owner, &row_id)
                .await
                .map_err(store_problem)?;
            return Ok(Reply::json(StatusCode::OK, Value::Object(row)));
        }
        decimal_errors(entity, &call.body)?;
        if id == ops.update {
            let row = self
                .rows
                .update(entity, owner, &row_id, &call.body)
                .await
                .map_err(store_problem)?;
            return Ok(Reply::json(StatusCode::OK, Value::Object(row)));
        }
        let row = self
            .rows
            .create(entity, owner, &call.body)
            .await
            .map_err(store_problem)?;
        let location = match &row["id"] {
            Value::String(text) => format!("{}/{text}", entity.url),
            other => format!("{}/{other}", entity.url),
        };
        let mut reply = Reply::json(StatusCode::CREATED, Value::Object(row));
        if let Ok(value) = HeaderValue::from_str(&location) {
            reply.headers.insert(header::LOCATION, value);
        }
        Ok(reply)
    }

    async fn list(&self, entity: &Entity, owner: i64, call: &Call<'_>) -> Result<Reply, Problem> {
        let given = |name: &str| {
            call.request
                .query
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        };
        // the contract checked that limit and offset are integers (5, 5.0 or 5e0) within their bounds
        let number = |name: &str, fallback: i64| {
            given(name)
                .and_then(|text| text.parse::<f64>().ok())
                .map_or(fallback, |n| n as i64)
        };
        let query = ListQuery {
            limit: number("limit", 20),
            offset: number("offset", 0),
            sort: given("sort").unwrap_or_else(|| "id".to_owned()),
            filters: entity
                .filters
                .iter()
                .filter_map(|name| given(name).map(|value| (name.clone(), value)))
                .collect(),
        };
        let (items, total) = self
            .rows
            .list(entity, owner, &query)
            .await
            .map_err(store_problem)?;
        let items: Vec<Value> = items.into_iter().map(Value::Object).collect();
        let page = json!({"items": items, "total": total, "limit": query.limit, "offset": query.offset});
        Ok(Reply::json(StatusCode::OK, page))
    }
}

/// The contract's check of the request (parameters, then the JSON body).
fn check(operation: &Operation, request: &Request) -> Result<Map<String, Value>, Problem> {
    operation.check(&Input {
        path_params: &request.path_params,
        query: &request.query,
        headers: &request.headers,
        body: &request.body,
    })
}

/// The problem of a store error: 404, 409, or a 500 (logged, never shown).
pub fn store_problem(error: StoreError) -> Problem {
    match error {
        StoreError::NotFound(detail) => Problem::new(StatusCode::NOT_FOUND, detail),
        StoreError::Conflict => Problem::new(
            StatusCode::CONFLICT,
            "the row conflicts with another one (a unique value is taken, or a row still references it)",
        ),
        StoreError::Other(error) => {
            tracing::error!(error = %error, "request failed");
            Problem::internal()
        }
    }
}

/// The bounds of decimals, which JSON Schema cannot express on decimal text (the contract's pattern
/// checks the digits).
fn decimal_errors(entity: &Entity, body: &Map<String, Value>) -> Result<(), Problem> {
    let mut errors = Vec::new();
    for field in entity.fields.iter().filter(|field| field.r#type == "decimal") {
        let Some(text) = body.get(&field.name).and_then(Value::as_str) else {
            continue;
        };
        let pointer = format!("#/{}", field.name);
        let Ok(value) = text.parse::<f64>() else {
            errors.push(FieldError::member(pointer, "is not a decimal"));
            continue;
        };
        if let Some(low) = field
            .min
            .as_deref()
            .filter(|low| low.parse::<f64>().is_ok_and(|low| value < low))
        {
            errors.push(FieldError::member(
                pointer.clone(),
                format!("must be at least {low}"),
            ));
        }
        if let Some(high) = field
            .max
            .as_deref()
            .filter(|high| high.parse::<f64>().is_ok_and(|high| value > high))
        {
            errors.push(FieldError::member(pointer, format!("must be at most {high}")));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Problem::invalid(errors))
    }
}
