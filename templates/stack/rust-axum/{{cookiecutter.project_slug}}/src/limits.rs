//! Abuse limits, counted in this process (each replica has its own): a token bucket per client address and
//! operation (login, registration), and a per-account backoff after repeated failed logins.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Beyond this many keys a flood of addresses resets the counts: bounded memory.
const MAX_KEYS: usize = 100_000;

/// A token bucket per key: `per_minute` requests a minute, in bursts of as many.
pub struct Limiter {
    per_minute: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl Limiter {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute: f64::from(per_minute),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// None when the key may go on (a token is taken), else the seconds until it may.
    pub fn wait(&self, key: &str) -> Option<u64> {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() > MAX_KEYS {
            buckets.clear();
        }
        let now = Instant::now();
        let (tokens, last) = buckets.entry(key.to_owned()).or_insert((self.per_minute, now));
        let refilled =
            (*tokens + now.duration_since(*last).as_secs_f64() * self.per_minute / 60.0).min(self.per_minute);
        *last = now;
        if refilled >= 1.0 {
            *tokens = refilled - 1.0;
            return None;
        }
        *tokens = refilled;
        let seconds = ((1.0 - refilled) * 60.0 / self.per_minute).ceil();
        Some((seconds as u64).max(1))
    }
}

/// Slows down the logins of an account after repeated failures, whatever address they come from: after
/// `free` failures each one doubles the wait (1 s, 2 s, 4 s, ... up to `max`); a success resets it.
pub struct Backoff {
    free: u32,
    max: Duration,
    accounts: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Backoff {
    pub fn new(free: u32, max: Duration) -> Self {
        Self {
            free,
            max,
            accounts: Mutex::new(HashMap::new()),
        }
    }

    fn accounts(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u32, Instant)>> {
        self.accounts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The seconds the account must still wait (None: it may try).
    pub fn wait(&self, account: &str) -> Option<u64> {
        let accounts = self.accounts();
        let (_, until) = accounts.get(account)?;
        let left = until.checked_duration_since(Instant::now())?;
        Some(left.as_secs() + u64::from(left.subsec_nanos() > 0))
    }

    /// Counts a failed login of the account.
    pub fn failed(&self, account: &str) {
        let mut accounts = self.accounts();
        if accounts.len() > MAX_KEYS {
            accounts.clear();
        }
        let now = Instant::now();
        let (count, until) = accounts.entry(account.to_owned()).or_insert((0, now));
        *count += 1;
        if let Some(over) = count.checked_sub(self.free) {
            let wait = Duration::from_secs(1_u64 << over.min(20)).min(self.max);
            *until = now + wait;
        }
    }

    /// Forgets the account's failures.
    pub fn succeeded(&self, account: &str) {
        self.accounts().remove(account);
    }
}

#[cfg(test)]
mod tests {
    use super::{Backoff, Limiter};
    use std::time::Duration;

    #[test]
    fn the_bucket_empties_then_says_how_long_to_wait() {
        let limiter = Limiter::new(3);
        assert!((0..3).all(|_| limiter.wait("a").is_none()));
        assert!(limiter.wait("a").is_some_and(|seconds| seconds >= 1));
        assert!(limiter.wait("b").is_none(), "another key has its own bucket");
    }

    #[test]
    fn failures_past_the_free_ones_make_the_account_wait() {
        let backoff = Backoff::new(2, Duration::from_secs(60));
        backoff.failed("x");
        backoff.failed("x");
        assert!(backoff.wait("x").is_some());
        backoff.succeeded("x");
        assert!(backoff.wait("x").is_none());
    }
}
