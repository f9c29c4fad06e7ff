//! The data access: sqlx with explicit SQL per database (no ORM), over sqlx's `Any` driver so that one
//! code path serves PostgreSQL, MySQL/MariaDB and SQLite (the one compiled in is the Cargo feature of the
//! project's database). Queries are checked at run time, so building needs no database. The schema is the
//! one of db/schema.sql, applied by the embedded migrations (`migrate`). Values cross between their API form
//! (JSON) and the database's as text, with explicit casts where a database wants them (values.rs); users
//! and their server-side sessions are here, the rows of every entity in rows.rs.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::any::{AnyArguments, AnyPoolOptions, AnyRow};
use sqlx::error::ErrorKind;
use sqlx::query::Query;
use sqlx::{Any, AnyPool, Row};

use crate::values::{Kind, Vendor};

/// What a data access can fail with.
#[derive(Debug)]
pub enum StoreError {
    /// No such row of this owner (or a referenced row that is not theirs); the text says which.
    NotFound(String),
    /// A unique value already taken, or a row another one still references.
    Conflict,
    /// Anything else: a 500, logged.
    Other(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(database) = &error
            && matches!(
                database.kind(),
                ErrorKind::UniqueViolation | ErrorKind::ForeignKeyViolation
            )
        {
            return Self::Conflict;
        }
        Self::Other(error.to_string())
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotFound(what) => write!(f, "not found: {what}"),
            Self::Conflict => write!(f, "conflict"),
            Self::Other(error) => write!(f, "{error}"),
        }
    }
}

/// A parameter of a statement.
#[derive(Clone, Debug)]
pub enum Arg {
    Int(Option<i64>),
    Bool(Option<bool>),
    Text(Option<String>),
}

/// A statement being written: its text, with each parameter's placeholder (`$n` or `?`) written as the
/// parameter is added, and the parameters.
pub struct Sql {
    vendor: Vendor,
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(vendor: Vendor, text: &str) -> Self {
        Self {
            vendor,
            text: text.to_owned(),
            args: Vec::new(),
        }
    }

    /// Appends SQL text.
    pub fn raw(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends the placeholder of a parameter, cast to the column type of `kind` where the database needs it.
    pub fn arg(&mut self, kind: Kind, arg: Arg) -> &mut Self {
        self.args.push(arg);
        let placeholder = self.vendor.placeholder(self.args.len());
        let written = self.vendor.cast_parameter(kind, &placeholder);
        self.text.push_str(&written);
        self
    }

    /// An identifier of the model quoted for this database.
    pub fn quoted(&self, name: &str) -> String {
        self.vendor.quote(name)
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The sqlx query of the statement with its parameters bound.
    pub fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        let mut query = sqlx::query(&self.text);
        for arg in &self.args {
            query = match arg.clone() {
                Arg::Int(value) => query.bind(value),
                Arg::Bool(value) => query.bind(value),
                Arg::Text(value) => query.bind(value),
            };
        }
        query
    }
}

/// The database: a bounded connection pool and the dialect of its vendor.
#[derive(Clone)]
pub struct Store {
    pub pool: AnyPool,
    pub vendor: Vendor,
    /// The auth scheme: jwt sessions have a refresh token id column, cookie sessions none.
    pub refresh_tokens: bool,
}

/// An account.
#[derive(Clone, Debug)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Connects to `DATABASE_URL` (in the form of .env.example).
    pub async fn connect(database_url: &str, refresh_tokens: bool) -> Result<Self, String> {
        sqlx::any::install_default_drivers();
        let vendor = Vendor::of_url(database_url)?;
        let url = vendor.connect_url(database_url);
        let pool = AnyPoolOptions::new()
            .max_connections(if vendor == Vendor::Sqlite { 1 } else { 20 })
            .acquire_timeout(Duration::from_secs(10))
            .max_lifetime(Duration::from_secs(30 * 60))
            .connect(&url)
            .await
            .map_err(|error| format!("cannot connect to DATABASE_URL: {error}"))?;
        Ok(Self {
            pool,
            vendor,
            refresh_tokens,
        })
    }

    /// Applies the migrations not applied yet (the embedded ./migrations; history in _sqlx_migrations).
    pub async fn migrate(&self) -> Result<(), String> {
        sqlx::migrate!("./migrations")
            .run(&self.pool)
            .await
            .map_err(|error| format!("migrate: {error}"))
    }

    /// Checks the database (the readiness probe).
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    pub fn sql(&self, text: &str) -> Sql {
        Sql::new(self.vendor, text)
    }

    /// The instant now, as the database stores it (microseconds: what every database keeps).
    pub fn now_arg(&self) -> Arg {
        self.instant_arg(Utc::now())
    }

    pub fn instant_arg(&self, instant: DateTime<Utc>) -> Arg {
        Arg::Text(Some(self.vendor.instant_text(instant)))
    }

    /// Adds an account; false when the address is already registered.
    pub async fn create_user(&self, email: &str, password_hash: &str) -> Result<bool, StoreError> {
        let mut sql = self.sql("INSERT INTO users (email, password_hash, is_active, created_at) VALUES (");
        sql.arg(Kind::Text, Arg::Text(Some(email.to_owned()))).raw(", ");
        sql.arg(Kind::Text, Arg::Text(Some(password_hash.to_owned())))
            .raw(", ");
        sql.arg(Kind::Boolean, Arg::Bool(Some(true)))
            .raw(", ")
            .arg(Kind::Instant, self.now_arg())
            .raw(")");
        match sql.query().execute(&self.pool).await.map_err(StoreError::from) {
            Ok(_) => Ok(true),
            Err(StoreError::Conflict) => Ok(false),
            Err(error) => Err(error),
        }
    }

    async fn user(&self, column: &str, kind: Kind, arg: Arg) -> Result<Option<User>, StoreError> {
        let v = self.vendor;
        let mut sql = self.sql(&format!(
            "SELECT {}, email, password_hash, {}, {} FROM users WHERE {column} = ",
            v.read_expression(Kind::Integer, "id"),
            v.read_expression(Kind::Boolean, "is_active"),
            v.read_expression(Kind::Instant, "created_at"),
        ));
        sql.arg(kind, arg);
        let row = sql.query().fetch_optional(&self.pool).await?;
        row.map(|row| read_user(self.vendor, &row)).transpose()
    }

    /// The account of that (lower-cased) address.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        self.user("email", Kind::Text, Arg::Text(Some(email.to_owned())))
            .await
    }

    /// The account of that id.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError> {
        self.user("id", Kind::Integer, Arg::Int(Some(id))).await
    }

    /// Replaces the password of an account.
    pub async fn set_password_hash(&self, id: i64, password_hash: &str) -> Result<(), StoreError> {
        let mut sql = self.sql("UPDATE users SET password_hash = ");
        sql.arg(Kind::Text, Arg::Text(Some(password_hash.to_owned())));
        sql.raw(" WHERE id = ").arg(Kind::Integer, Arg::Int(Some(id)));
        sql.query().execute(&self.pool).await?;
        Ok(())
    }

    /// Starts a server-side session of the user, valid for `ttl`, with its first refresh token id (jwt;
    /// cookie sessions have no refresh token, and their table no refresh_jti column).
    pub async fn open_session(
        &self,
        user_id: i64,
        id: &str,
        refresh_jti: &str,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let created = Utc::now();
        let expires = created + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::zero());
        let columns = if self.refresh_tokens { ", refresh_jti" } else { "" };
        let mut sql = self.sql(&format!(
            "INSERT INTO auth_sessions (id, user_id, created_at, expires_at{columns}) VALUES ("
        ));
        sql.arg(Kind::Text, Arg::Text(Some(id.to_owned())))
            .raw(", ")
            .arg(Kind::Integer, Arg::Int(Some(user_id)));
        sql.raw(", ")
            .arg(Kind::Instant, self.instant_arg(created))
            .raw(", ")
            .arg(Kind::Instant, self.instant_arg(expires));
        if self.refresh_tokens {
            sql.raw(", ")
                .arg(Kind::Text, Arg::Text(Some(refresh_jti.to_owned())));
        }
        sql.raw(")").query().execute(&self.pool).await?;
        Ok(())
    }

    /// Whether the session is the user's, not revoked and not expired.
    pub async fn session_active(&self, id: &str, user_id: i64) -> Result<bool, StoreError> {
        let mut sql = self.sql("SELECT COUNT(*) FROM auth_sessions WHERE id = ");
        sql.arg(Kind::Text, Arg::Text(Some(id.to_owned())));
        sql.raw(" AND user_id = ")
            .arg(Kind::Integer, Arg::Int(Some(user_id)));
        sql.raw(" AND revoked_at IS NULL AND expires_at > ")
            .arg(Kind::Instant, self.now_arg());
        let count: i64 = sql.query().fetch_one(&self.pool).await?.try_get(0)?;
        Ok(count == 1)
    }

    /// Replaces the session's refresh token id `jti` by `next`. A `jti` that is not the current one is a
    /// reused refresh token: the whole session is revoked, and the answer is false.
    pub async fn rotate_refresh(&self, id: &str, jti: &str, next: &str) -> Result<bool, StoreError> {
        let mut sql = self.sql("UPDATE auth_sessions SET refresh_jti = ");
        sql.arg(Kind::Text, Arg::Text(Some(next.to_owned())));
        sql.raw(" WHERE id = ")
            .arg(Kind::Text, Arg::Text(Some(id.to_owned())));
        sql.raw(" AND refresh_jti = ")
            .arg(Kind::Text, Arg::Text(Some(jti.to_owned())));
        sql.raw(" AND revoked_at IS NULL");
        if sql.query().execute(&self.pool).await?.rows_affected() == 1 {
            return Ok(true);
        }
        self.revoke_session(id).await?;
        Ok(false)
    }

    /// Ends a session (logout, reuse of a refresh token).
    pub async fn revoke_session(&self, id: &str) -> Result<(), StoreError> {
        let mut sql = self.sql("UPDATE auth_sessions SET revoked_at = ");
        sql.arg(Kind::Instant, self.now_arg())
            .raw(" WHERE id = ")
            .arg(Kind::Text, Arg::Text(Some(id.to_owned())));
        sql.raw(" AND revoked_at IS NULL")
            .query()
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends every session of the user but `keep` (a password change).
    pub async fn revoke_other_sessions(&self, user_id: i64, keep: &str) -> Result<(), StoreError> {
        let mut sql = self.sql("UPDATE auth_sessions SET revoked_at = ");
        sql.arg(Kind::Instant, self.now_arg())
            .raw(" WHERE user_id = ")
            .arg(Kind::Integer, Arg::Int(Some(user_id)));
        sql.raw(" AND id <> ")
            .arg(Kind::Text, Arg::Text(Some(keep.to_owned())));
        sql.raw(" AND revoked_at IS NULL")
            .query()
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

fn read_user(vendor: Vendor, row: &AnyRow) -> Result<User, StoreError> {
    let text = |index: usize| -> Result<String, StoreError> {
        row.try_get::<Option<String>, _>(index)?
            .ok_or_else(|| StoreError::Other("users: a NULL column".to_owned()))
    };
    let broken = |what: &str| StoreError::Other(format!("users.{what} holds an unexpected value"));
    Ok(User {
        id: text(0)?.parse().map_err(|_| broken("id"))?,
        email: text(1)?,
        password_hash: text(2)?,
        is_active: vendor.read_bool(&text(3)?).ok_or_else(|| broken("is_active"))?,
        created_at: vendor
            .read_instant(&text(4)?)
            .ok_or_else(|| broken("created_at"))?,
    })
}
