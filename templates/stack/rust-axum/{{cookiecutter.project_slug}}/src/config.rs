//! The settings, read from the environment and checked once at start: a missing or malformed value stops
//! the server with one line naming every problem, rather than failing later.

use std::env;
use std::time::Duration;

use ipnet::IpNet;

/// The shortest `SECRET_KEY` accepted: HS256 wants at least 256 bits of key.
pub const MIN_SECRET_BYTES: usize = 32;

/// Published example values of `SECRET_KEY` (.env.example, the README): never a real secret.
const PLACEHOLDERS: [&str; 5] = ["change-me", "changeme", "secret", "placeholder", "example"];

/// The largest request body accepted (1 MiB), checked before any parsing.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Settings of the server.
#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: String,
    pub secret_key: Vec<u8>,
    pub host: String,
    pub port: u16,
    pub log_level: String,
    /// Proxies whose `X-Forwarded-For` is believed (empty: none).
    pub trusted_proxies: Vec<IpNet>,
    pub auth_rate_per_minute: u32,
    /// argon2id hashes computed at once (64 MiB each).
    pub hash_concurrency: usize,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub session_ttl: Duration,
    pub cookie_secure: bool,
}

impl Settings {
    /// Reads the settings of the environment, or says in one message everything that is wrong.
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|name| env::var(name).ok().filter(|value| !value.is_empty()))
    }

    /// Reads the settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut reader = Reader {
            lookup: &lookup,
            errors: Vec::new(),
        };
        let database_url = lookup("DATABASE_URL").unwrap_or_default();
        if database_url.is_empty() {
            reader.errors.push("DATABASE_URL is not set".to_owned());
        }
        let secret_key = lookup("SECRET_KEY").unwrap_or_default().into_bytes();
        if let Err(problem) = check_secret(&secret_key) {
            reader.errors.push(problem);
        }
        let settings = Self {
            database_url,
            secret_key,
            host: lookup("HOST").unwrap_or_else(|| "0.0.0.0".to_owned()),
            port: u16::try_from(reader.integer("PORT", 8080, 1, 65535)).unwrap_or(8080),
            log_level: lookup("LOG_LEVEL").unwrap_or_else(|| "info".to_owned()),
            trusted_proxies: reader.networks("TRUSTED_PROXIES"),
            auth_rate_per_minute: u32::try_from(reader.integer("AUTH_RATE_LIMIT_PER_MINUTE", 20, 1, 100_000))
                .unwrap_or(20),
            hash_concurrency: usize::try_from(reader.integer("PASSWORD_HASH_CONCURRENCY", 4, 1, 64))
                .unwrap_or(4),
            access_token_ttl: minutes(reader.integer("ACCESS_TOKEN_EXPIRE_MINUTES", 30, 1, 1440)),
            refresh_token_ttl: minutes(reader.integer("REFRESH_TOKEN_EXPIRE_DAYS", 14, 1, 365) * 24 * 60),
            session_ttl: minutes(reader.integer("SESSION_EXPIRE_MINUTES", 480, 1, 43200)),
            cookie_secure: reader.boolean("COOKIE_SECURE", true),
        };
        if reader.errors.is_empty() {
            Ok(settings)
        } else {
            Err(reader.errors.join("; "))
        }
    }
}

fn minutes(count: u64) -> Duration {
    Duration::from_secs(count * 60)
}

/// Refuses a missing, short or placeholder `SECRET_KEY`.
pub fn check_secret(secret: &[u8]) -> Result<(), String> {
    if secret.len() < MIN_SECRET_BYTES {
        return Err(format!(
            "SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes (e.g. openssl rand -hex 32)"
        ));
    }
    let lowered = String::from_utf8_lossy(secret).to_lowercase();
    if PLACEHOLDERS
        .iter()
        .any(|placeholder| lowered.contains(placeholder))
    {
        return Err("SECRET_KEY is a placeholder: set a random value (e.g. openssl rand -hex 32)".to_owned());
    }
    Ok(())
}

/// Collects every problem of the environment, so that one start reports them all.
struct Reader<'a, F: Fn(&str) -> Option<String>> {
    lookup: &'a F,
    errors: Vec<String>,
}

impl<F: Fn(&str) -> Option<String>> Reader<'_, F> {
    fn integer(&mut self, name: &str, fallback: u64, low: u64, high: u64) -> u64 {
        let Some(text) = (self.lookup)(name) else {
            return fallback;
        };
        match text.trim().parse::<u64>() {
            Ok(value) if (low..=high).contains(&value) => value,
            _ => {
                self.errors
                    .push(format!("{name} must be an integer from {low} to {high}"));
                fallback
            }
        }
    }

    fn boolean(&mut self, name: &str, fallback: bool) -> bool {
        match (self.lookup)(name)
            .map(|text| text.trim().to_lowercase())
            .as_deref()
        {
            None => fallback,
            Some("true" | "1") => true,
            Some("false" | "0") => false,
            Some(_) => {
                self.errors.push(format!("{name} must be true or false"));
                fallback
            }
        }
    }

    /// A comma-separated list of IP addresses and CIDR ranges.
    fn networks(&mut self, name: &str) -> Vec<IpNet> {
        let text = (self.lookup)(name).unwrap_or_default();
        let mut networks = Vec::new();
        for item in text.split(',').map(str::trim).filter(|item| !item.is_empty()) {
            if let Ok(network) = item.parse::<IpNet>() {
                networks.push(network.trunc());
            } else if let Ok(address) = item.parse::<std::net::IpAddr>() {
                networks.push(IpNet::from(address.to_canonical()));
            } else {
                self.errors
                    .push(format!("{name}: {item:?} is not an IP address or CIDR range"));
            }
        }
        networks
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::Settings;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    const URL: (&str, &str) = ("DATABASE_URL", "sqlite:///tmp/settings.db");

    #[test]
    fn a_short_or_placeholder_secret_is_refused() {
        assert!(
            settings(&[URL, ("SECRET_KEY", "short")])
                .unwrap_err()
                .contains("at least 32 bytes")
        );
        let placeholder = ("SECRET_KEY", "change-me-to-a-long-random-string-xxxxxxxx");
        assert!(settings(&[URL, placeholder]).unwrap_err().contains("placeholder"));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let problems = settings(&[("PORT", "0"), ("TRUSTED_PROXIES", "10.0.0.0/8, nowhere")]).unwrap_err();
        for expected in ["DATABASE_URL", "SECRET_KEY", "PORT", "nowhere"] {
            assert!(problems.contains(expected), "{problems}");
        }
    }

    #[test]
    fn valid_settings_are_read() {
        let read = settings(&[
            URL,
            ("SECRET_KEY", &"k".repeat(40)),
            ("TRUSTED_PROXIES", "127.0.0.1,10.0.0.0/8"),
        ])
        .expect("valid settings");
        assert_eq!(read.trusted_proxies.len(), 2);
        assert_eq!(read.port, 8080);
    }
}
