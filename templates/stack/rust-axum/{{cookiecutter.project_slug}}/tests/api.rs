//! Every endpoint of the contract, driven in process through the axum router (`tower::ServiceExt::oneshot`)
//! against the database of DATABASE_URL (required for PostgreSQL and MySQL; SQLite uses a file in a
//! temporary folder), migrated first. The entities' samples and invalid values come from tests/data/model.json
//! (the stack-neutral test model that also drives the conformance suite).

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use server::config::Settings;
use tower::ServiceExt;

const PASSWORD: &str = "correct horse battery staple";

/// The test model: every entity's URL, fields with samples and invalid values, relations.
fn test_model() -> Value {
    serde_json::from_str(include_str!("data/model.json")).expect("tests/data/model.json")
}

fn cookie_sessions() -> bool {
    server::model::Model::load().expect("model").cookie_sessions()
}

/// A router over a migrated database, with a random secret and a generous login rate.
async fn router(rate_per_minute: u32) -> Router {
    let database_url = std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| {
            let folder = std::env::temp_dir().join(format!("server-tests-{}", uuid::Uuid::now_v7()));
            std::fs::create_dir_all(&folder).expect("a temporary folder");
            format!("sqlite://{}", folder.join("test.db").display())
        });
    let secret: String = (0..48)
        .map(|_| char::from(b'a' + rand::random_range(0..26_u8)))
        .collect();
    let values: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", database_url),
        ("SECRET_KEY", secret),
        ("AUTH_RATE_LIMIT_PER_MINUTE", rate_per_minute.to_string()),
        ("COOKIE_SECURE", "false".to_owned()),
    ]);
    let settings = Settings::from_lookup(|name| values.get(name).cloned()).expect("test settings");
    let store = server::store::Store::connect(&settings.database_url, !cookie_sessions())
        .await
        .expect("database");
    store.migrate().await.expect("migrations");
    server::build(settings).await.expect("the application").1
}

/// An answer: status, headers and the JSON body (Null when empty).
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

/// A client of the router, with the credentials of one user once logged in.
struct Client {
    router: Router,
    email: String,
    bearer: Option<String>,
    cookies: Option<(String, String)>,
    refresh_token: Option<String>,
}

impl Client {
    fn new(router: &Router) -> Self {
        let email = format!("user-{}@example.com", uuid::Uuid::now_v7().simple());
        Self {
            router: router.clone(),
            email,
            bearer: None,
            cookies: None,
            refresh_token: None,
        }
    }

    async fn send(&self, method: Method, uri: &str, body: Option<Vec<u8>>) -> Answer {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = &self.bearer {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some((session, csrf)) = &self.cookies {
            request = request.header(header::COOKIE, format!("session={session}; csrf_token={csrf}"));
            request = request.header("x-csrf-token", csrf);
        }
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let request = request
            .body(body.map_or_else(Body::empty, Body::from))
            .expect("a request");
        let response = self.router.clone().oneshot(request).await.expect("an answer");
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("a body").to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("a JSON body")
        };
        Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> Answer {
        self.send(method, uri, body.map(|body| body.to_string().into_bytes()))
            .await
    }

    async fn register(&self) -> Answer {
        self.call(
            Method::POST,
            "/api/v1/auth/register",
            Some(json!({"email": self.email, "password": PASSWORD})),
        )
        .await
    }

    /// Logs in and keeps the credentials the answer gives.
    async fn login(&mut self) -> Answer {
        let answer = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                Some(json!({"email": self.email, "password": PASSWORD})),
            )
            .await;
        if answer.status == StatusCode::OK {
            if cookie_sessions() {
                let session = set_cookie(&answer.headers, "session").expect("a session cookie");
                self.cookies = Some((
                    session,
                    answer.body["csrf_token"]
                        .as_str()
                        .expect("a csrf token")
                        .to_owned(),
                ));
            } else {
                self.bearer = answer.body["access_token"].as_str().map(str::to_owned);
                self.refresh_token = answer.body["refresh_token"].as_str().map(str::to_owned);
            }
        }
        answer
    }

    async fn signed_in(router: &Router) -> Self {
        let mut client = Self::new(router);
        assert_eq!(client.register().await.status, StatusCode::CREATED);
        assert_eq!(client.login().await.status, StatusCode::OK);
        client
    }
}

fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| {
            let (pair, _) = value.split_once(';').unwrap_or((value, ""));
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
}

fn assert_problem(answer: &Answer, status: StatusCode) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.headers[header::CONTENT_TYPE], "application/problem+json");
    assert_eq!(answer.body["status"], status.as_u16());
}

#[tokio::test]
async fn health_and_security_headers() {
    let router = router(1000).await;
    let client = Client::new(&router);
    for path in ["/health/live", "/health/ready"] {
        let answer = client.call(Method::GET, path, None).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.body, json!({"status": "ok"}));
        assert_eq!(answer.headers["x-content-type-options"], "nosniff");
        assert_eq!(answer.headers["x-frame-options"], "DENY");
        assert!(answer.headers.contains_key("content-security-policy"));
        assert!(!answer.headers.contains_key(header::SERVER));
    }
    assert_problem(
        &client.call(Method::GET, "/no/such/route", None).await,
        StatusCode::NOT_FOUND,
    );
    assert_problem(
        &client.call(Method::DELETE, "/health/live", None).await,
        StatusCode::METHOD_NOT_ALLOWED,
    );
}

#[tokio::test]
async fn malformed_oversized_and_invalid_bodies() {
    let router = router(1000).await;
    let client = Client::new(&router);
    let malformed = client
        .send(Method::POST, "/api/v1/auth/login", Some(b"{\"email\": ".to_vec()))
        .await;
    assert_problem(&malformed, StatusCode::BAD_REQUEST);
    let huge = json!({"email": "a@example.com", "password": "x".repeat(2 << 20)});
    assert_problem(
        &client.call(Method::POST, "/api/v1/auth/login", Some(huge)).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    );
    let unknown = json!({"email": client.email, "password": PASSWORD, "is_admin": true});
    let answer = client
        .call(Method::POST, "/api/v1/auth/register", Some(unknown))
        .await;
    assert_problem(&answer, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.body["errors"][0]["pointer"], "#/is_admin");
    let missing = client
        .call(
            Method::POST,
            "/api/v1/auth/register",
            Some(json!({"email": client.email})),
        )
        .await;
    assert_eq!(missing.body["errors"][0]["pointer"], "#/password");
    let common = client
        .call(
            Method::POST,
            "/api/v1/auth/register",
            Some(json!({"email": client.email, "password": "password1234567"})),
        )
        .await;
    assert_problem(&common, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn accounts_sessions_and_credentials() {
    let router = router(1000).await;
    let anonymous = Client::new(&router);
    let me = anonymous.call(Method::GET, "/api/v1/users/me", None).await;
    assert_problem(&me, StatusCode::UNAUTHORIZED);
    let mut user = Client::signed_in(&router).await;
    let me = user.call(Method::GET, "/api/v1/users/me", None).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["email"], user.email.as_str());
    let again = user.register().await;
    assert_eq!(
        again.status,
        StatusCode::CREATED,
        "a taken address answers as a new one"
    );
    let mut wrong = Client::new(&router);
    wrong.email.clone_from(&user.email);
    let refused = wrong
        .call(
            Method::POST,
            "/api/v1/auth/login",
            Some(json!({"email": user.email, "password": "wrong passphrase 1"})),
        )
        .await;
    assert_problem(&refused, StatusCode::UNAUTHORIZED);

    if !cookie_sessions() {
        let first = user.refresh_token.clone().expect("a refresh token");
        let rotated = user
            .call(
                Method::POST,
                "/api/v1/auth/refresh",
                Some(json!({"refresh_token": first})),
            )
            .await;
        assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
        let reused = user
            .call(
                Method::POST,
                "/api/v1/auth/refresh",
                Some(json!({"refresh_token": first})),
            )
            .await;
        assert_problem(&reused, StatusCode::UNAUTHORIZED);
        let next = rotated.body["refresh_token"].clone();
        let killed = user
            .call(
                Method::POST,
                "/api/v1/auth/refresh",
                Some(json!({"refresh_token": next})),
            )
            .await;
        assert_problem(&killed, StatusCode::UNAUTHORIZED);
        assert_problem(
            &user.call(Method::GET, "/api/v1/users/me", None).await,
            StatusCode::UNAUTHORIZED,
        );
        assert_eq!(user.login().await.status, StatusCode::OK);
    } else {
        let (session, _) = user.cookies.clone().expect("a cookie session");
        let mut forged = Client::new(&router);
        forged.cookies = Some((session, "not-the-token".to_owned()));
        let answer = forged.call(Method::POST, "/api/v1/auth/logout", None).await;
        assert_problem(&answer, StatusCode::FORBIDDEN);
    }

    let mut other_session = Client::new(&router);
    other_session.email.clone_from(&user.email);
    assert_eq!(other_session.login().await.status, StatusCode::OK);
    let change = json!({"current_password": PASSWORD, "new_password": "a brand new passphrase 2"});
    let changed = user
        .call(Method::POST, "/api/v1/auth/password", Some(change))
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.body);
    assert_problem(
        &other_session.call(Method::GET, "/api/v1/users/me", None).await,
        StatusCode::UNAUTHORIZED,
    );
    assert_eq!(
        user.call(Method::GET, "/api/v1/users/me", None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        user.call(Method::POST, "/api/v1/auth/logout", None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_problem(
        &user.call(Method::GET, "/api/v1/users/me", None).await,
        StatusCode::UNAUTHORIZED,
    );
}

#[tokio::test]
async fn logins_are_rate_limited_per_client() {
    let router = router(3).await;
    let client = Client::new(&router);
    let body = json!({"email": client.email, "password": "wrong passphrase 1"});
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(
            client
                .call(Method::POST, "/api/v1/auth/login", Some(body.clone()))
                .await,
        );
    }
    let last = statuses.last().expect("answers");
    assert_problem(last, StatusCode::TOO_MANY_REQUESTS);
    assert!(last.headers.contains_key(header::RETRY_AFTER));
}

/// Valid bodies for one user's rows, required parents created first (each from one of the samples 4 to 7
/// of its entity, never twice: their unique values stay unique).
struct Rows<'a> {
    client: &'a Client,
    model: Value,
    parents: std::cell::RefCell<HashMap<String, Vec<usize>>>,
}

impl<'a> Rows<'a> {
    fn entity(&self, name: &str) -> &Value {
        self.model["entities"]
            .as_array()
            .expect("entities")
            .iter()
            .find(|e| e["name"] == name)
            .expect("an entity")
    }

    fn new(client: &'a Client) -> Self {
        Self {
            client,
            model: test_model(),
            parents: std::cell::RefCell::default(),
        }
    }

    async fn body(&self, name: &str, sample: usize) -> Value {
        let entity = self.entity(name).clone();
        let mut body = serde_json::Map::new();
        for field in entity["fields"].as_array().expect("fields") {
            body.insert(
                field["name"].as_str().expect("a name").to_owned(),
                field["samples"][sample].clone(),
            );
        }
        for relation in entity["many_to_one"].as_array().expect("relations") {
            if relation["required"] == true {
                let target = relation["target"].as_str().expect("a target");
                let next = self
                    .parents
                    .borrow_mut()
                    .entry(target.to_owned())
                    .or_insert_with(|| vec![7, 6, 5, 4])
                    .pop();
                let parent = Box::pin(self.create(target, next.expect("a parent sample left"))).await;
                body.insert(
                    relation["column"].as_str().expect("a column").to_owned(),
                    parent["id"].clone(),
                );
            }
        }
        Value::Object(body)
    }

    async fn create(&self, name: &str, sample: usize) -> Value {
        let url = self.entity(name)["url"].as_str().expect("a url").to_owned();
        let body = self.body(name, sample).await;
        let answer = self.client.call(Method::POST, &url, Some(body)).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{name}: {}", answer.body);
        answer.body
    }
}

#[tokio::test]
async fn crud_of_every_entity() {
    let router = router(1000).await;
    let user = Client::signed_in(&router).await;
    let other = Client::signed_in(&router).await;
    let rows = Rows::new(&user);
    for entity in rows.model["entities"].as_array().expect("entities").clone() {
        let name = entity["name"].as_str().expect("a name");
        let url = entity["url"].as_str().expect("a url");
        let body = rows.body(name, 0).await;
        let created = user.call(Method::POST, url, Some(body.clone())).await;
        assert_eq!(created.status, StatusCode::CREATED, "{name}: {}", created.body);
        for (key, value) in body.as_object().expect("a body") {
            assert_eq!(&created.body[key], value, "{name}.{key}");
        }
        let id = match &created.body["id"] {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let item = format!("{url}/{id}");
        assert_eq!(created.headers[header::LOCATION], item.as_str());
        let fetched = user.call(Method::GET, &item, None).await;
        assert_eq!(fetched.body, created.body, "{name}");
        assert_eq!(
            other.call(Method::GET, &item, None).await.status,
            StatusCode::NOT_FOUND,
            "{name}: another user's row"
        );

        let field = &entity["fields"][0];
        let change = json!({ field["name"].as_str().expect("a field"): field["changed"] });
        let updated = user.call(Method::PATCH, &item, Some(change)).await;
        assert_eq!(updated.status, StatusCode::OK, "{name}: {}", updated.body);
        assert_eq!(
            updated.body[field["name"].as_str().expect("a field")],
            field["changed"]
        );

        let valid = rows.body(name, 1).await;
        for field in entity["fields"].as_array().expect("fields") {
            for invalid in field["invalid"].as_array().expect("invalid values") {
                let mut body = valid.clone();
                body[field["name"].as_str().expect("a field")] = invalid.clone();
                let answer = user.call(Method::POST, url, Some(body)).await;
                assert_problem(&answer, StatusCode::UNPROCESSABLE_ENTITY);
            }
        }
        let mut unknown = valid.clone();
        unknown["no_such_field"] = json!(1);
        assert_problem(
            &user.call(Method::POST, url, Some(unknown)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        );

        let page = user
            .call(Method::GET, &format!("{url}?limit=1&offset=0&sort=-id"), None)
            .await;
        assert_eq!(page.status, StatusCode::OK, "{name}: {}", page.body);
        assert_eq!(page.body["limit"], 1);
        assert_eq!(page.body["items"].as_array().expect("items").len(), 1);
        assert_problem(
            &user.call(Method::GET, &format!("{url}?limit=0"), None).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
        assert_problem(
            &user
                .call(Method::GET, &format!("{url}?sort=no_such_field"), None)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
        assert_problem(
            &user.call(Method::GET, &format!("{url}/not-an-id"), None).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        );

        assert_eq!(
            other.call(Method::DELETE, &item, None).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            user.call(Method::DELETE, &item, None).await.status,
            StatusCode::NO_CONTENT
        );
        assert_problem(&user.call(Method::GET, &item, None).await, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn unique_values_conflict() {
    let router = router(1000).await;
    let user = Client::signed_in(&router).await;
    let rows = Rows::new(&user);
    for entity in rows.model["entities"].as_array().expect("entities").clone() {
        let name = entity["name"].as_str().expect("a name");
        let Some(field) = entity["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["unique"] == true)
        else {
            continue;
        };
        let first = rows.create(name, 0).await;
        let mut body = rows.body(name, 1).await;
        let key = field["name"].as_str().expect("a field");
        body[key] = first[key].clone();
        let answer = user
            .call(Method::POST, entity["url"].as_str().expect("a url"), Some(body))
            .await;
        assert_problem(&answer, StatusCode::CONFLICT);
    }
}

#[tokio::test]
async fn the_served_document_is_the_contract_and_every_operation_is_routed() {
    let router = router(1000).await;
    let client = Client::signed_in(&router).await;
    let request = Request::builder()
        .uri("/openapi.yaml")
        .body(Body::empty())
        .expect("a request");
    let response = router.clone().oneshot(request).await.expect("an answer");
    assert_eq!(response.status(), StatusCode::OK);
    let served = response.into_body().collect().await.expect("a body").to_bytes();
    assert_eq!(served, server::contract::OPENAPI.as_bytes());
    let contract: Value = serde_yaml::from_str(server::contract::OPENAPI).expect("openapi.yaml");
    for (path, item) in contract["paths"].as_object().expect("paths") {
        let concrete = path
            .split('/')
            .map(|s| if s.starts_with('{') { "0" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        for method in item.as_object().expect("operations").keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method");
            let answer = client.send(method.clone(), &concrete, None).await;
            assert_ne!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert_ne!(answer.body["detail"], "no such route", "{method} {path}");
        }
    }
}
