//! The HTTP side: one axum route per operation of the contract (its paths are axum's route syntax), the
//! request read within the body limit (413 before any parsing, chunked bodies too), problem details for
//! unknown routes and methods, and the middleware every response goes through: the client address
//! (`X-Forwarded-For` only from TRUSTED_PROXIES), security headers, metrics and a JSON access log.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, RawPathParams, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, get};
use ipnet::IpNet;

use crate::api::{App, Reply, Request};
use crate::config::MAX_BODY_BYTES;
use crate::contract::OPENAPI;
use crate::metrics::Metrics;
use crate::problem::Problem;

/// The operationId a response answered, for the metrics and the access log.
#[derive(Clone, Debug)]
struct Answered(String);

/// The client's address as the edge middleware computed it.
#[derive(Clone, Debug)]
struct ClientIp(String);

/// The application's routes and middleware.
pub fn router(app: Arc<App>, metrics: Arc<Metrics>) -> Router {
    let mut routes: BTreeMap<String, MethodRouter<Arc<App>>> = BTreeMap::new();
    for operation in app.contract.operations() {
        let id = operation.id.clone();
        let handler = move |State(app): State<Arc<App>>, request: axum::extract::Request| {
            let id = id.clone();
            async move { handle(&app, &id, request).await }
        };
        let filter = MethodFilter::try_from(operation.method.clone()).expect("a method of the contract");
        let methods = routes.remove(&operation.path).unwrap_or_default();
        routes.insert(operation.path.clone(), methods.on(filter, handler));
    }
    let mut router = Router::new();
    for (path, methods) in routes {
        router = router.route(&path, methods);
    }
    router = router.route("/openapi.yaml", get(openapi));
    if app.model.metrics {
        let exposed = Arc::clone(&metrics);
        router = router.route("/metrics", get(move || async move { exposed.render() }));
    }
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state((Arc::clone(&app), metrics), edge))
        .with_state(app)
}

/// Runs one operation: the request is read within the body limit, then handed to the application.
async fn handle(app: &App, id: &str, request: axum::extract::Request) -> Response {
    let (mut parts, body) = request.into_parts();
    let answered = Answered(id.to_owned());
    let Ok(raw) = RawPathParams::from_request_parts(&mut parts, &()).await else {
        return with(Problem::not_found().into_response(), answered);
    };
    let path_params = raw
        .iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        let problem = Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is larger than 1 MiB",
        );
        return with(problem.into_response(), answered);
    };
    let query = parts
        .uri
        .query()
        .map(|query| form_urlencoded::parse(query.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let client_ip = parts
        .extensions
        .get::<ClientIp>()
        .map_or_else(|| "unknown".to_owned(), |ip| ip.0.clone());
    let request = Request {
        method: parts.method,
        headers: parts.headers,
        path_params,
        query,
        body: body.to_vec(),
        client_ip,
    };
    let response = match app.serve(id, &request).await {
        Ok(reply) => reply_response(reply),
        Err(problem) => problem.into_response(),
    };
    with(response, answered)
}

fn with(mut response: Response, answered: Answered) -> Response {
    response.extensions_mut().insert(answered);
    response
}

fn reply_response(reply: Reply) -> Response {
    let mut response = match reply.body {
        Some(body) => {
            let mut response = (reply.status, serde_json::to_vec(&body).unwrap_or_default()).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        None => reply.status.into_response(),
    };
    for (name, value) in &reply.headers {
        response.headers_mut().append(name, value.clone());
    }
    response
}

/// The contract, as committed.
async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/yaml")], OPENAPI).into_response()
}

async fn not_found() -> Response {
    Problem::new(StatusCode::NOT_FOUND, "no such route").into_response()
}

/// 405 with the methods the contract has for the path.
async fn method_not_allowed(State(app): State<Arc<App>>, uri: Uri) -> Response {
    let methods = app.contract.allowed(uri.path());
    let allowed: Vec<&str> = methods.iter().map(Method::as_str).collect();
    let problem = Problem::new(StatusCode::METHOD_NOT_ALLOWED, "method not allowed on this route");
    problem
        .with_header(header::ALLOW, allowed.join(", "))
        .into_response()
}

/// The headers every response carries.
const SECURITY_HEADERS: [(&str, &str); 6] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    (
        "content-security-policy",
        "default-src 'none'; frame-ancestors 'none'",
    ),
    ("cross-origin-resource-policy", "same-origin"),
    ("cache-control", "no-store"),
];

/// The client address, security headers, metrics and the access log of every request.
async fn edge(
    State((app, metrics)): State<(Arc<App>, Arc<Metrics>)>,
    mut request: axum::extract::Request<Body>,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let client = client_ip(peer, request.headers(), &app.settings.trusted_proxies);
    request.extensions_mut().insert(ClientIp(client.clone()));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
    }
    headers.remove(header::SERVER);
    let operation = response
        .extensions()
        .get::<Answered>()
        .map_or("unmatched", |answered| answered.0.as_str())
        .to_owned();
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    metrics.observe(&operation, method.as_str(), status, elapsed);
    tracing::info!(target: "access", method = %method, operation = %operation, status, duration_ms = elapsed.as_secs_f64() * 1000.0, client = %client, "request");
    response
}

/// The client's address: the peer, or when the peer is a trusted proxy the right-most address of
/// `X-Forwarded-For` that is not one (a client cannot forge the entries its proxies append).
fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> String {
    let Some(peer) = peer.map(|ip| ip.to_canonical()) else {
        return "unknown".to_owned();
    };
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|network| network.contains(ip));
    if !is_trusted(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|item| item.trim().parse::<IpAddr>().ok())
        .map(|ip| ip.to_canonical())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .or(forwarded.first())
        .unwrap_or(&peer)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::client_ip;
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.9, 10.0.0.2"),
        );
        let trusted = vec!["10.0.0.0/8".parse().expect("a network")];
        assert_eq!(
            client_ip(Some("10.0.0.1".parse().expect("ip")), &headers, &trusted),
            "203.0.113.9"
        );
        assert_eq!(
            client_ip(Some("192.0.2.1".parse().expect("ip")), &headers, &trusted),
            "192.0.2.1"
        );
    }
}
