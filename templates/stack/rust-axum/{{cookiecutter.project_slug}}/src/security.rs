//! The credentials: argon2id password hashes (a bounded number computed at once, off the async runtime),
//! the password policy, and the signed tokens (HS256 JWTs, the algorithm pinned and `exp` required).

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation, decode, encode};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use unicode_normalization::UnicodeNormalization;

/// RFC 9106's second recommended option: 64 MiB, one pass, four lanes.
const ARGON_MEMORY_KIB: u32 = 64 * 1024;
const ARGON_PASSES: u32 = 1;
const ARGON_LANES: u32 = 4;

fn argon2() -> Argon2<'static> {
    let params =
        Params::new(ARGON_MEMORY_KIB, ARGON_PASSES, ARGON_LANES, Some(32)).expect("argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes and verifies passwords, at most `concurrency` at once: each hash takes 64 MiB, and a burst of
/// logins must not take the memory of the server nor block the runtime's worker threads.
#[derive(Clone)]
pub struct Hasher {
    slots: Arc<Semaphore>,
    /// verified against when an account does not exist, so that unknown emails take as long
    dummy: Arc<String>,
}

/// A hashing failure (the semaphore closed, or argon2 refused its input).
#[derive(Debug)]
pub struct HashError(pub String);

impl Hasher {
    pub async fn new(concurrency: usize) -> Result<Self, HashError> {
        let mut hasher = Self {
            slots: Arc::new(Semaphore::new(concurrency)),
            dummy: Arc::new(String::new()),
        };
        let dummy = hasher
            .hash("a password nobody has, hashed for timing".to_owned())
            .await?;
        hasher.dummy = Arc::new(dummy);
        Ok(hasher)
    }

    /// The PHC string (`$argon2id$v=19$m=65536,t=1,p=4$salt$hash`) of the password.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|error| HashError(error.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let mut salt = [0_u8; 16];
            rand::rng().fill_bytes(&mut salt);
            let salt = SaltString::encode_b64(&salt).map_err(|error| HashError(error.to_string()))?;
            argon2()
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(|error| HashError(error.to_string()))
        })
        .await
        .map_err(|error| HashError(error.to_string()))?
    }

    /// Whether the password matches `encoded`; no hash (no such account) is checked against a dummy hash
    /// and never matches, in the same time.
    pub async fn verify(&self, encoded: Option<String>, password: String) -> Result<bool, HashError> {
        let known = encoded.is_some();
        let encoded = encoded.unwrap_or_else(|| self.dummy.as_ref().clone());
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|error| HashError(error.to_string()))?;
        let matches = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&encoded)
                .is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
        })
        .await
        .map_err(|error| HashError(error.to_string()))?;
        Ok(known && matches)
    }
}

/// The password policy (OWASP ASVS 2.1): 12 to 128 characters as typed and after Unicode NFKC normalisation, not blank,
/// no NUL, and not one of the 10,000 most common passwords, not even with digits or symbols appended.
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common-passwords.txt")
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

/// The form a password is checked and hashed in.
pub fn normalise(password: &str) -> String {
    password.nfkc().collect()
}

/// Why the password (as typed, or normalised) is refused (None: it is acceptable); never echoes it.
pub fn password_problem(password: &str) -> Option<&'static str> {
    if password.contains('\0') {
        return Some("must not contain NUL characters");
    }
    if password.trim().is_empty() {
        return Some("must not be only whitespace");
    }
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&password.chars().count()) {
        return Some("must be 12 to 128 characters long");
    }
    let folded = password.to_lowercase();
    let common = folded
        .char_indices()
        .map(|(end, _)| end)
        .chain([folded.len()])
        .any(|end| {
            end > 0 && COMMON.contains(&folded[..end]) && !folded[end..].chars().any(char::is_alphabetic)
        });
    common.then_some("is too common: choose a longer passphrase of unrelated words")
}

/// Claims of every token: the user (sub), the server-side session (sid), the token's own id (jti) and its
/// kind (typ: access, refresh or session), so that one kind is never accepted as another.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub sid: String,
    pub typ: String,
    pub jti: String,
    pub iat: u64,
    pub exp: u64,
}

/// Signs and checks HS256 JWTs with the server's secret.
#[derive(Clone)]
pub struct Tokens {
    secret: Arc<Vec<u8>>,
}

impl Tokens {
    pub fn new(secret: &[u8]) -> Self {
        Self {
            secret: Arc::new(secret.to_vec()),
        }
    }

    /// A token of `kind` for the user's session, valid for `ttl`.
    pub fn sign(&self, sub: &str, sid: &str, kind: &str, jti: &str, ttl: Duration) -> Result<String, String> {
        let now = now_seconds();
        let claims = Claims {
            sub: sub.to_owned(),
            sid: sid.to_owned(),
            typ: kind.to_owned(),
            jti: jti.to_owned(),
            iat: now,
            exp: now + ttl.as_secs(),
        };
        encode(
            &Header::default(),
            &claims,
            &EncodingKey::from_secret(&self.secret),
        )
        .map_err(|error| error.to_string())
    }

    /// The claims of a valid token of `kind`: HS256 only, `exp` required and in the future.
    pub fn parse(&self, token: &str, kind: &str) -> Option<Claims> {
        let mut validation = Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "sub"]);
        validation.leeway = 0;
        let data = decode::<Claims>(token, &DecodingKey::from_secret(&self.secret), &validation).ok()?;
        let claims = data.claims;
        (claims.typ == kind && !claims.sub.is_empty() && !claims.sid.is_empty()).then_some(claims)
    }

    /// An HMAC-SHA256 of `value` under the secret, base64url: the CSRF token of a cookie session.
    pub fn mac(&self, purpose: &str, value: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes a key of any length");
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }
}

/// 256 random bits, base64url: a session or token id.
pub fn random_id() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Names an account in logs and in the backoff without its address.
pub fn account_key(email: &str) -> String {
    Sha256::digest(email.as_bytes())[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// Compares two strings in a time that does not depend on where they differ.
pub fn constant_time_eq(left: &str, right: &str) -> bool {
    left.len() == right.len()
        && left
            .bytes()
            .zip(right.bytes())
            .fold(0_u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::{Tokens, password_problem};
    use std::time::Duration;

    #[test]
    fn the_policy_refuses_short_blank_and_common_passwords() {
        assert!(password_problem("short").is_some());
        assert!(password_problem(&" ".repeat(14)).is_some());
        assert!(password_problem("password123456!").is_some());
        assert!(password_problem("correct horse battery staple").is_none());
    }

    #[test]
    fn a_token_of_one_kind_is_not_another() {
        let tokens = Tokens::new(&[7_u8; 32]);
        let token = tokens
            .sign("1", "session", "refresh", "jti", Duration::from_secs(60))
            .expect("signed");
        assert!(tokens.parse(&token, "refresh").is_some());
        assert!(tokens.parse(&token, "access").is_none());
        assert!(Tokens::new(&[8_u8; 32]).parse(&token, "refresh").is_none());
    }
}
