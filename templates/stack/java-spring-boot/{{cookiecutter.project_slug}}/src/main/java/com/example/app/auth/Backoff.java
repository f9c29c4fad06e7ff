package com.example.app.auth;

import com.example.app.config.Settings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Per-account backoff: after LOGIN_LOCKOUT_FAILURES failed logins in a row, each further attempt
 * waits twice as long as the one before (up to LOGIN_LOCKOUT_MAX_SECONDS), whatever address it
 * comes from; a success clears it. Accounts are keyed by a hash of the email, never the email.
 */
@Component
public class Backoff {

  private static final int MAX_TRACKED = 100_000;

  private final int failures;
  private final long maxSeconds;
  private final Map<String, State> states = new ConcurrentHashMap<>();

  public Backoff(Settings settings) {
    this.failures = settings.loginLockoutFailures();
    this.maxSeconds = settings.loginLockoutMaxSeconds();
  }

  private record State(int count, long until) {}

  /** A stable, non-reversible key of an email address (for logs too). */
  public static String key(String email) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(email.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Seconds the account must still wait (0: it may try now). */
  public long waitSeconds(String account) {
    State state = states.get(account);
    long left = state == null ? 0 : state.until() - System.currentTimeMillis();
    return left > 0 ? (left + 999) / 1000 : 0;
  }

  public void failed(String account) {
    if (states.size() > MAX_TRACKED) {
      long now = System.currentTimeMillis();
      states.values().removeIf(s -> s.until() < now - maxSeconds * 1000);
    }
    states.compute(
        account,
        (key, old) -> {
          int count = old == null ? 1 : old.count() + 1;
          long until = 0;
          if (count >= failures) {
            long seconds = Math.min(maxSeconds, 1L << Math.min(30, count - failures));
            until = System.currentTimeMillis() + seconds * 1000;
          }
          return new State(count, until);
        });
  }

  public void succeeded(String account) {
    states.remove(account);
  }
}
