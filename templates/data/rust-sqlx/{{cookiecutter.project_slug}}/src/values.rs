//! Values between their API form (the JSON of openapi.yaml, already checked by the contract) and the
//! database's. Every value is written as a parameter (text, integer or boolean) with the cast the database
//! needs, and read back as text (`read_expression`), then turned into its API form by its kind: one code path
//! for the three databases, whose differences are all in `Vendor`.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::store::Arg;

/// The databases a project may use (DATABASE_URL's scheme).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vendor {
    Postgres,
    Mysql,
    Sqlite,
}

/// The kind of value of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// string, text and enum fields
    Text,
    Integer,
    Boolean,
    /// decimal text with a fixed number of digits after the point
    Decimal(u32),
    Date,
    /// a datetime field, created_at and the like: stored in UTC
    Instant,
    Uuid,
    Json,
    /// a row id (or a reference to one): a UUID or a sequence's integer
    Id {
        uuid: bool,
    },
}

impl Kind {
    /// The kind of a field of the model (`type` in model.json).
    pub fn of_field(field_type: &str, scale: u32) -> Self {
        match field_type {
            "integer" => Self::Integer,
            "boolean" => Self::Boolean,
            "decimal" => Self::Decimal(scale),
            "date" => Self::Date,
            "datetime" => Self::Instant,
            "uuid" => Self::Uuid,
            "json" => Self::Json,
            _ => Self::Text,
        }
    }
}

impl Vendor {
    /// The database of a URL in the form of .env.example.
    pub fn of_url(url: &str) -> Result<Self, String> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "postgres" | "postgresql" => Ok(Self::Postgres),
            "mysql" | "mariadb" => Ok(Self::Mysql),
            "sqlite" => Ok(Self::Sqlite),
            _ => Err("DATABASE_URL must be a postgresql://, mysql:// or sqlite:// URL".to_owned()),
        }
    }

    /// The URL sqlx connects with: MariaDB speaks MySQL's protocol, an SQLite file is created if missing.
    pub fn connect_url(self, url: &str) -> String {
        match self {
            Self::Mysql => url.replacen("mariadb://", "mysql://", 1),
            Self::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_owned(),
        }
    }

    /// The placeholder of the n-th parameter (1-based).
    pub fn placeholder(self, n: usize) -> String {
        if self == Self::Postgres {
            format!("${n}")
        } else {
            "?".to_owned()
        }
    }

    /// An identifier of the model quoted for this database.
    pub fn quote(self, name: &str) -> String {
        if self == Self::Mysql {
            format!("`{name}`")
        } else {
            format!("\"{name}\"")
        }
    }

    /// A parameter's placeholder with the cast PostgreSQL needs for a text parameter of `kind`.
    pub fn cast_parameter(self, kind: Kind, placeholder: &str) -> String {
        let target = match (self, kind) {
            (Self::Postgres, Kind::Uuid | Kind::Id { uuid: true }) => "uuid",
            (Self::Postgres, Kind::Date) => "date",
            (Self::Postgres, Kind::Instant) => "timestamptz",
            (Self::Postgres, Kind::Decimal(_)) => "numeric",
            (Self::Postgres, Kind::Json) => "json",
            _ => return placeholder.to_owned(),
        };
        format!("CAST({placeholder} AS {target})")
    }

    /// The SELECT expression reading `column` as text (instants in UTC, ISO 8601).
    pub fn read_expression(self, kind: Kind, column: &str) -> String {
        let quoted = self.quote(column);
        match (self, kind) {
            (Self::Postgres, Kind::Instant) => {
                format!("to_char({quoted} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')")
            }
            (Self::Mysql, Kind::Instant) => format!("DATE_FORMAT({quoted}, '%Y-%m-%dT%H:%i:%s.%f')"),
            (Self::Mysql, _) => format!("CAST({quoted} AS CHAR)"),
            _ => format!("CAST({quoted} AS TEXT)"),
        }
    }

    /// An instant as a parameter of this database (UTC, microseconds).
    pub fn instant_text(self, instant: DateTime<Utc>) -> String {
        match self {
            Self::Postgres => instant.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            Self::Mysql | Self::Sqlite => instant.format("%Y-%m-%d %H:%M:%S%.6f").to_string(),
        }
    }

    /// An instant read back (see `read_expression`).
    pub fn read_instant(self, text: &str) -> Option<DateTime<Utc>> {
        ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(text.trim_end_matches('Z'), format).ok())
            .map(|naive| naive.and_utc())
    }

    /// A boolean read back as text (true/false, t/f or 1/0).
    pub fn read_bool(self, text: &str) -> Option<bool> {
        match text {
            "true" | "t" | "1" => Some(true),
            "false" | "f" | "0" => Some(false),
            _ => None,
        }
    }

    /// A UUID as this database stores it: PostgreSQL's uuid type, else CHAR(32) hex digits.
    fn uuid_text(self, id: Uuid) -> String {
        if self == Self::Postgres {
            id.hyphenated().to_string()
        } else {
            id.simple().to_string()
        }
    }

    /// The parameter of an API value of `kind` (null: NULL), or what is wrong with it.
    pub fn to_db(self, kind: Kind, value: &Value) -> Result<Arg, String> {
        if value.is_null() {
            return Ok(match kind {
                Kind::Integer | Kind::Id { uuid: false } => Arg::Int(None),
                Kind::Boolean => Arg::Bool(None),
                _ => Arg::Text(None),
            });
        }
        let text = || {
            value
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| "is not a string".to_owned())
        };
        Ok(match kind {
            Kind::Integer | Kind::Id { uuid: false } => {
                Arg::Int(Some(integer(value).ok_or("is not an integer")?))
            }
            Kind::Boolean => Arg::Bool(Some(value.as_bool().ok_or("is not a boolean")?)),
            Kind::Instant => {
                let instant =
                    DateTime::parse_from_rfc3339(&text()?).map_err(|_| "is not an RFC 3339 date-time")?;
                Arg::Text(Some(self.instant_text(instant.with_timezone(&Utc))))
            }
            Kind::Uuid | Kind::Id { uuid: true } => {
                let id = Uuid::parse_str(&text()?).map_err(|_| "is not a UUID")?;
                Arg::Text(Some(self.uuid_text(id)))
            }
            Kind::Json => Arg::Text(Some(value.to_string())),
            Kind::Text | Kind::Decimal(_) | Kind::Date => Arg::Text(Some(text()?)),
        })
    }

    /// The API value of a column of `kind` read as text (None: NULL).
    pub fn from_db(self, kind: Kind, text: Option<String>) -> Result<Value, String> {
        let Some(text) = text else { return Ok(Value::Null) };
        let broken = || format!("unexpected {kind:?} value in the database");
        Ok(match kind {
            Kind::Integer | Kind::Id { uuid: false } => {
                Value::from(text.parse::<i64>().map_err(|_| broken())?)
            }
            Kind::Boolean => Value::Bool(self.read_bool(&text).ok_or_else(broken)?),
            Kind::Decimal(scale) => Value::String(decimal_text(&text, scale).ok_or_else(broken)?),
            Kind::Date => Value::String(text.get(..10).ok_or_else(broken)?.to_owned()),
            Kind::Instant => {
                let instant = self.read_instant(&text).ok_or_else(broken)?;
                Value::String(instant.to_rfc3339_opts(SecondsFormat::AutoSi, true))
            }
            Kind::Uuid | Kind::Id { uuid: true } => Value::String(
                Uuid::parse_str(&text)
                    .map_err(|_| broken())?
                    .hyphenated()
                    .to_string(),
            ),
            Kind::Json => serde_json::from_str(&text).map_err(|_| broken())?,
            Kind::Text => Value::String(text),
        })
    }
}

/// An integer JSON value (JSON Schema counts 5.0 as one).
pub fn integer(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| {
        let number = value.as_f64()?;
        (number.fract() == 0.0 && number.abs() < 9.2e18).then_some(number as i64)
    })
}

/// A decimal with exactly `scale` digits after the point (SQLite keeps a REAL, the others a NUMERIC).
pub fn decimal_text(text: &str, scale: u32) -> Option<String> {
    let scale = scale as usize;
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let plain = !whole.is_empty()
        && whole.trim_start_matches('-').chars().all(|c| c.is_ascii_digit())
        && fraction.chars().all(|c| c.is_ascii_digit());
    if plain && fraction.len() <= scale {
        let padded = format!("{fraction:0<scale$}");
        return Some(if scale == 0 {
            whole.to_owned()
        } else {
            format!("{whole}.{padded}")
        });
    }
    text.parse::<f64>().ok().map(|number| format!("{number:.scale$}"))
}

#[cfg(test)]
mod tests {
    use super::{Kind, Vendor, decimal_text};
    use serde_json::json;

    #[test]
    fn decimals_keep_their_scale() {
        assert_eq!(decimal_text("12.5", 2).as_deref(), Some("12.50"));
        assert_eq!(decimal_text("-3", 2).as_deref(), Some("-3.00"));
        assert_eq!(decimal_text("7", 0).as_deref(), Some("7"));
    }

    #[test]
    fn instants_come_back_in_utc() {
        for vendor in [Vendor::Postgres, Vendor::Mysql, Vendor::Sqlite] {
            let crate::store::Arg::Text(Some(stored)) = vendor
                .to_db(Kind::Instant, &json!("2024-05-01T12:30:00+02:00"))
                .expect("an instant")
            else {
                panic!("an instant is text");
            };
            let read = vendor
                .from_db(Kind::Instant, Some(stored.replace(' ', "T")))
                .expect("read back");
            assert_eq!(read, json!("2024-05-01T10:30:00Z"));
        }
    }

    #[test]
    fn uuids_are_hyphenated_in_the_api() {
        let read = Vendor::Mysql.from_db(Kind::Uuid, Some("0190b0a4c1e27c3a8b5e0f1a2b3c4d5e".to_owned()));
        assert_eq!(
            read.expect("a uuid"),
            json!("0190b0a4-c1e2-7c3a-8b5e-0f1a2b3c4d5e")
        );
    }
}
