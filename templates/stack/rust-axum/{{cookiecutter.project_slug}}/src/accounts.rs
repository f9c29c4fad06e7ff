//! Registration, login, refresh, logout, password change and the current user. A token (or a session
//! cookie) is only as good as its server-side session: logout revokes it, a password change revokes every
//! other session of the user, and a refresh token used twice revokes its whole session. The scheme is the
//! auth decision (model.json): bearer JWTs (jwt) or an HttpOnly signed session cookie with a CSRF token
//! checked on unsafe methods (session-cookie); the cookie and header names are the contract's.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use serde_json::json;

use crate::api::{Call, Reply, Request, store_problem};
use crate::config::Settings;
use crate::contract::Contract;
use crate::limits::{Backoff, Limiter};
use crate::model::Model;
use crate::problem::{FieldError, Problem};
use crate::security::{self, Hasher, Tokens};
use crate::store::{Store, User};

/// The authenticated user and session of a request.
#[derive(Clone, Debug)]
pub struct Current {
    pub user: User,
    pub session_id: String,
}

/// The name of the readable cookie holding the CSRF token (cookie sessions).
const CSRF_COOKIE: &str = "csrf_token";

/// The credentials logic.
pub struct Accounts {
    hasher: Hasher,
    tokens: Tokens,
    backoff: Backoff,
    limiter: Limiter,
    cookies: bool,
    session_cookie: String,
    csrf_header: String,
    access_ttl: Duration,
    refresh_ttl: Duration,
    session_ttl: Duration,
    cookie_secure: bool,
}

fn unauthorized(detail: &str) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, detail)
        .with_header(header::WWW_AUTHENTICATE, "Bearer realm=\"api\"")
}

fn too_many(detail: &str, seconds: u64) -> Problem {
    Problem::new(StatusCode::TOO_MANY_REQUESTS, detail).with_header(header::RETRY_AFTER, seconds.to_string())
}

fn internal(error: impl std::fmt::Display) -> Problem {
    tracing::error!(error = %error, "credentials failed");
    Problem::internal()
}

/// The normalised password, or the 422 saying what is wrong with it (at `pointer`).
fn acceptable(password: &str, pointer: &str) -> Result<String, Problem> {
    let normalised = security::normalise(password);
    // as typed too: NFKC lengthens some text ("ﬃ" is "ffi"), and the contract's bounds are on what is sent
    match security::password_problem(password).or_else(|| security::password_problem(&normalised)) {
        Some(why) => Err(Problem::invalid(vec![FieldError::member(pointer, why)])),
        None => Ok(normalised),
    }
}

/// The value of the cookie `name` of the request.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
}

fn seconds(ttl: Duration) -> u64 {
    ttl.as_secs()
}

impl Accounts {
    /// The operationIds served here.
    pub const OPERATIONS: [&'static str; 6] = [
        "auth_register",
        "auth_login",
        "auth_refresh",
        "auth_logout",
        "auth_change_password",
        "users_me",
    ];

    pub async fn new(settings: &Settings, contract: &Contract, model: &Model) -> Result<Self, String> {
        let hasher = Hasher::new(settings.hash_concurrency)
            .await
            .map_err(|error| format!("argon2: {}", error.0))?;
        Ok(Self {
            hasher,
            tokens: Tokens::new(&settings.secret_key),
            backoff: Backoff::new(5, Duration::from_secs(15 * 60)),
            limiter: Limiter::new(settings.auth_rate_per_minute),
            cookies: model.cookie_sessions(),
            session_cookie: contract
                .api_key_name("cookie")
                .unwrap_or_else(|| "session".to_owned()),
            csrf_header: contract
                .api_key_name("header")
                .unwrap_or_else(|| "X-CSRF-Token".to_owned()),
            access_ttl: settings.access_token_ttl,
            refresh_ttl: settings.refresh_token_ttl,
            session_ttl: settings.session_ttl,
            cookie_secure: settings.cookie_secure,
        })
    }

    /// The 429 of a login or registration over the client address's rate.
    pub fn limited(&self, id: &str, client_ip: &str) -> Result<(), Problem> {
        if id != "auth_login" && id != "auth_register" {
            return Ok(());
        }
        match self.limiter.wait(&format!("{id} {client_ip}")) {
            Some(wait) => Err(too_many("too many requests: retry later", wait)),
            None => Ok(()),
        }
    }

    /// The user and open session of the request's credentials, or 401 (403: a cookie session's unsafe
    /// request without its CSRF token).
    pub async fn authenticate(&self, store: &Store, request: &Request) -> Result<Current, Problem> {
        let (token, kind) = if self.cookies {
            (cookie(&request.headers, &self.session_cookie), "session")
        } else {
            let authorization = request
                .headers
                .get(header::AUTHORIZATION)
                .and_then(|value| value.to_str().ok());
            let token = authorization.and_then(|value| {
                let (scheme, token) = value.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| token.trim().to_owned())
            });
            (token, "access")
        };
        let token = token
            .filter(|token| !token.is_empty())
            .ok_or_else(|| unauthorized("not authenticated"))?;
        let claims = self
            .tokens
            .parse(&token, kind)
            .ok_or_else(|| unauthorized("invalid or expired credentials"))?;
        let current = self
            .open(store, &claims.sub, &claims.sid)
            .await?
            .ok_or_else(|| unauthorized("invalid or expired credentials"))?;
        let safe = matches!(request.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if self.cookies && !safe {
            let sent = request
                .headers
                .get(self.csrf_header.as_str())
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default();
            if !security::constant_time_eq(sent, &self.tokens.mac("csrf", &current.session_id)) {
                return Err(Problem::new(StatusCode::FORBIDDEN, "missing or wrong CSRF token"));
            }
        }
        Ok(current)
    }

    /// The session `sid` of the active user `sub`, if it is open.
    async fn open(&self, store: &Store, sub: &str, sid: &str) -> Result<Option<Current>, Problem> {
        let Ok(user_id) = sub.parse::<i64>() else {
            return Ok(None);
        };
        if !store.session_active(sid, user_id).await.map_err(store_problem)? {
            return Ok(None);
        }
        let user = store.user_by_id(user_id).await.map_err(store_problem)?;
        Ok(user.filter(|user| user.is_active).map(|user| Current {
            user,
            session_id: sid.to_owned(),
        }))
    }

    /// Runs one of `OPERATIONS`.
    pub async fn serve(&self, store: &Store, id: &str, call: &Call<'_>) -> Result<Reply, Problem> {
        match id {
            "auth_register" => self.register(store, call).await,
            "auth_login" => self.login(store, call).await,
            "auth_refresh" => self.refresh(store, call).await,
            "auth_logout" => self.logout(store, call).await,
            "auth_change_password" => self.change_password(store, call).await,
            _ => {
                let user = &call.current()?.user;
                let created = user
                    .created_at
                    .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
                Ok(Reply::json(
                    StatusCode::OK,
                    json!({"id": user.id, "email": user.email, "created_at": created}),
                ))
            }
        }
    }

    /// 201 {"email"} for a new address and a registered one alike, in the same time (the password is hashed
    /// either way): the answer never tells which addresses have an account.
    async fn register(&self, store: &Store, call: &Call<'_>) -> Result<Reply, Problem> {
        let email = call.text("email").to_lowercase();
        let password = acceptable(&call.text("password"), "#/password")?;
        let hash = self
            .hasher
            .hash(password)
            .await
            .map_err(|error| internal(error.0))?;
        if store.create_user(&email, &hash).await.map_err(store_problem)? {
            tracing::info!(target: "audit", event = "user_registered", "user registered");
        } else {
            tracing::info!(target: "audit", event = "registration_ignored", email_hash = %security::account_key(&email), "registration of a taken address ignored");
        }
        Ok(Reply::json(StatusCode::CREATED, json!({"email": email})))
    }

    async fn login(&self, store: &Store, call: &Call<'_>) -> Result<Reply, Problem> {
        let email = call.text("email").to_lowercase();
        let account = security::account_key(&email);
        if let Some(wait) = self.backoff.wait(&account) {
            return Err(too_many(
                "too many failed logins for this account: retry later",
                wait,
            ));
        }
        let user = store.user_by_email(&email).await.map_err(store_problem)?;
        let stored = user.as_ref().map(|user| user.password_hash.clone());
        let password = security::normalise(&call.text("password"));
        let matches = self
            .hasher
            .verify(stored, password)
            .await
            .map_err(|error| internal(error.0))?;
        let Some(user) = user.filter(|user| matches && user.is_active) else {
            self.backoff.failed(&account);
            tracing::info!(target: "audit", event = "login_failed", email_hash = %account, ip = %call.request.client_ip, "login failed");
            return Err(unauthorized("invalid email or password"));
        };
        self.backoff.succeeded(&account);
        let (session_id, jti) = (security::random_id(), security::random_id());
        let lifetime = if self.cookies {
            self.session_ttl
        } else {
            self.refresh_ttl
        };
        store
            .open_session(user.id, &session_id, &jti, lifetime)
            .await
            .map_err(store_problem)?;
        tracing::info!(target: "audit", event = "login", user_id = user.id, "login");
        if self.cookies {
            self.session_reply(user.id, &session_id)
        } else {
            self.token_reply(user.id, &session_id, &jti)
        }
    }

    fn token_reply(&self, user_id: i64, session_id: &str, refresh_jti: &str) -> Result<Reply, Problem> {
        let sub = user_id.to_string();
        let access = self
            .tokens
            .sign(
                &sub,
                session_id,
                "access",
                &security::random_id(),
                self.access_ttl,
            )
            .map_err(internal)?;
        let refresh = self
            .tokens
            .sign(&sub, session_id, "refresh", refresh_jti, self.refresh_ttl)
            .map_err(internal)?;
        Ok(Reply::json(
            StatusCode::OK,
            json!({"access_token": access, "token_type": "bearer", "expires_in": seconds(self.access_ttl), "refresh_token": refresh}),
        ))
    }

    fn set_cookie(&self, reply: &mut Reply, name: &str, value: &str, max_age: i64, http_only: bool) {
        let secure = if self.cookie_secure { "; Secure" } else { "" };
        let http_only = if http_only { "; HttpOnly" } else { "" };
        let text = format!("{name}={value}; Path=/; Max-Age={max_age}; SameSite=Lax{http_only}{secure}");
        if let Ok(value) = HeaderValue::from_str(&text) {
            reply.headers.append(header::SET_COOKIE, value);
        }
    }

    /// Sets the HttpOnly session cookie (a signed token naming the server-side session) and the readable
    /// CSRF cookie, whose value the client sends back in the CSRF header on unsafe methods.
    fn session_reply(&self, user_id: i64, session_id: &str) -> Result<Reply, Problem> {
        let token = self
            .tokens
            .sign(
                &user_id.to_string(),
                session_id,
                "session",
                &security::random_id(),
                self.session_ttl,
            )
            .map_err(internal)?;
        let csrf = self.tokens.mac("csrf", session_id);
        let max_age = i64::try_from(seconds(self.session_ttl)).unwrap_or(i64::MAX);
        let mut reply = Reply::json(StatusCode::OK, json!({"csrf_token": csrf, "expires_in": max_age}));
        self.set_cookie(&mut reply, &self.session_cookie, &token, max_age, true);
        self.set_cookie(&mut reply, CSRF_COOKIE, &csrf, max_age, false);
        Ok(reply)
    }

    async fn refresh(&self, store: &Store, call: &Call<'_>) -> Result<Reply, Problem> {
        let refused = || unauthorized("invalid, expired or reused refresh token");
        let claims = self
            .tokens
            .parse(&call.text("refresh_token"), "refresh")
            .ok_or_else(refused)?;
        let current = self
            .open(store, &claims.sub, &claims.sid)
            .await?
            .ok_or_else(refused)?;
        let next = security::random_id();
        if !store
            .rotate_refresh(&current.session_id, &claims.jti, &next)
            .await
            .map_err(store_problem)?
        {
            tracing::warn!(target: "audit", event = "refresh_reused", user_id = current.user.id, "refresh token reused: session revoked");
            return Err(refused());
        }
        self.token_reply(current.user.id, &current.session_id, &next)
    }

    async fn logout(&self, store: &Store, call: &Call<'_>) -> Result<Reply, Problem> {
        store
            .revoke_session(&call.current()?.session_id)
            .await
            .map_err(store_problem)?;
        let mut reply = Reply::empty(StatusCode::NO_CONTENT);
        if self.cookies {
            self.set_cookie(&mut reply, &self.session_cookie, "", 0, true);
            self.set_cookie(&mut reply, CSRF_COOKIE, "", 0, false);
        }
        Ok(reply)
    }

    async fn change_password(&self, store: &Store, call: &Call<'_>) -> Result<Reply, Problem> {
        let current = call.current()?;
        let given = security::normalise(&call.text("current_password"));
        let matches = self
            .hasher
            .verify(Some(current.user.password_hash.clone()), given)
            .await
            .map_err(|error| internal(error.0))?;
        if !matches {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "the current password is wrong",
            ));
        }
        let password = acceptable(&call.text("new_password"), "#/new_password")?;
        let hash = self
            .hasher
            .hash(password)
            .await
            .map_err(|error| internal(error.0))?;
        store
            .set_password_hash(current.user.id, &hash)
            .await
            .map_err(store_problem)?;
        store
            .revoke_other_sessions(current.user.id, &current.session_id)
            .await
            .map_err(store_problem)?;
        tracing::info!(target: "audit", event = "password_changed", user_id = current.user.id, "password changed");
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    }
}
