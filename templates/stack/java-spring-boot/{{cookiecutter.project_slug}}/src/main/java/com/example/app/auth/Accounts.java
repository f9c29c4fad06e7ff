{%- set cookies = cookiecutter.auth == "session-cookie" -%}
package com.example.app.auth;

import com.example.app.config.Settings;
import com.example.app.domain.AuthSession;
import com.example.app.domain.Sessions;
import com.example.app.domain.Times;
import com.example.app.domain.User;
import com.example.app.domain.Users;
import com.example.app.web.ApiException;
import com.example.app.web.SecurityConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
{%- if not cookies %}
import org.springframework.security.oauth2.jwt.Jwt;
{%- endif %}
import org.springframework.stereotype.Service;

/**
 * Registration, login, {% if not cookies %}refresh, {% endif %}logout and password change. A {% if cookies %}session cookie{% else %}token{% endif %} is only as good as its
 * server-side session: logout ends it, a password change ends every other session of the user{% if not cookies %},
 * and a refresh token used twice ends its whole session (reuse detection){% endif %}.
 */
@Service
public class Accounts {

  private static final Logger AUDIT = LoggerFactory.getLogger("audit");

  private final Users users;
  private final Sessions sessions;
  private final Passwords passwords;
  private final Backoff backoff;
  private final Tokens tokens;
  private final Duration sessionLifetime;
{%- if not cookies %}
  private final Duration accessLifetime;
{%- endif %}

  public Accounts(
      Users users,
      Sessions sessions,
      Passwords passwords,
      Backoff backoff,
      Tokens tokens,
      Settings settings) {
    this.users = users;
    this.sessions = sessions;
    this.passwords = passwords;
    this.backoff = backoff;
    this.tokens = tokens;
{%- if cookies %}
    this.sessionLifetime = Duration.ofMinutes(settings.sessionMinutes());
{%- else %}
    this.sessionLifetime = Duration.ofDays(settings.refreshTokenDays());
    this.accessLifetime = Duration.ofMinutes(settings.accessTokenMinutes());
{%- endif %}
  }

  /** What a sign-in gives the client: the JSON body{% if cookies %}; the session token goes in a cookie{% endif %}. */
  public record Issued(Map<String, Object> body, String sessionToken, Duration lifetime) {}

  /**
   * The same answer for a new address and a registered one, in the same time (the password is
   * hashed either way): the answer never tells which addresses have an account.
   */
  public Map<String, Object> register(String email, String password) {
    String address = email.toLowerCase(Locale.ROOT);
    String hash = passwords.hash(passwords.acceptable(password, "password"));
    if (users.findByEmail(address).isEmpty()) {
      User user = new User();
      user.email = address;
      user.passwordHash = hash;
      user.createdAt = Times.now();
      try {
        users.save(user);
        AUDIT.info("user registered user_id={}", user.id);
      } catch (DataIntegrityViolationException e) {
        AUDIT.info("registration of a taken address ignored");
      }
    } else {
      AUDIT.info("registration of a taken address ignored email_hash={}", Backoff.key(address));
    }
    return Map.of("email", address);
  }

  public Issued login(String email, String password, String client) {
    String account = Backoff.key(email);
    long wait = backoff.waitSeconds(account);
    if (wait > 0) {
      throw new ApiException(
          HttpStatus.TOO_MANY_REQUESTS,
          "too many failed logins for this account: retry later",
          java.util.List.of(),
          Map.of("Retry-After", String.valueOf(wait)));
    }
    Optional<User> user = users.findByEmail(email.toLowerCase(Locale.ROOT));
    boolean ok = passwords.verify(user.map(u -> u.passwordHash).orElse(null), password);
    if (!ok || !user.get().isActive) {
      backoff.failed(account);
      AUDIT.info("login failed email_hash={} ip={}", account, client);
      throw invalidCredentials();
    }
    backoff.succeeded(account);
    AuthSession session = new AuthSession();
    session.id = Tokens.randomId();
    session.userId = user.get().id;
{%- if not cookies %}
    session.refreshJti = Tokens.randomId();
{%- endif %}
    session.createdAt = Times.now();
    session.expiresAt = session.createdAt.plus(sessionLifetime);
    sessions.save(session);
    AUDIT.info("login user_id={}", session.userId);
    return issue(session);
  }
{%- if not cookies %}

  /** A new access and refresh token for the session of an unused refresh token; a reuse ends it. */
  public Issued refresh(String refreshToken) {
    Optional<Jwt> claims = tokens.decode(refreshToken, "refresh");
    Optional<AuthSession> session =
        claims.flatMap(c -> sessions.findById(c.getClaimAsString("sid")))
            .filter(s -> s.isOpen(Instant.now()) && String.valueOf(s.userId).equals(claims.get().getSubject()));
    if (session.isEmpty()) {
      throw invalidCredentials("invalid, expired or reused refresh token");
    }
    AuthSession open = session.get();
    String next = Tokens.randomId();
    if (sessions.rotate(open.id, claims.get().getId(), next) == 0) {
      sessions.revoke(open.id, Instant.now());
      AUDIT.warn("refresh token reused: session revoked user_id={}", open.userId);
      throw invalidCredentials("invalid, expired or reused refresh token");
    }
    open.refreshJti = next;
    return issue(open);
  }
{%- endif %}

  public void logout(Current current) {
    sessions.revoke(current.sessionId(), Instant.now());
  }

  public void changePassword(Current current, String currentPassword, String newPassword) {
    if (!passwords.verify(current.user().passwordHash, currentPassword)) {
      throw new ApiException(HttpStatus.FORBIDDEN, "the current password is wrong");
    }
    String hash = passwords.hash(passwords.acceptable(newPassword, "new_password"));
    User user = users.findById(current.user().id).orElseThrow(SecurityConfig::unauthorized);
    user.passwordHash = hash;
    users.save(user);
    sessions.revokeOthers(user.id, current.sessionId(), Instant.now());
    AUDIT.info("password changed user_id={}", user.id);
  }

  /** The public view of an account. */
  public static Map<String, Object> publicUser(User user) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", user.id);
    body.put("email", user.email);
    body.put("created_at", user.createdAt.toString());
    return body;
  }

  private Issued issue(AuthSession session) {
    Map<String, Object> body = new LinkedHashMap<>();
{%- if cookies %}
    String csrf = Tokens.randomId();
    String token =
        tokens.create(
            "session", session.userId, session.id, session.id, sessionLifetime, Map.of("csrf", csrf));
    body.put("csrf_token", csrf);
    body.put("expires_in", sessionLifetime.toSeconds());
    return new Issued(body, token, sessionLifetime);
{%- else %}
    body.put(
        "access_token",
        tokens.create("access", session.userId, session.id, Tokens.randomId(), accessLifetime, Map.of()));
    body.put("token_type", "bearer");
    body.put("expires_in", accessLifetime.toSeconds());
    body.put(
        "refresh_token",
        tokens.create("refresh", session.userId, session.id, session.refreshJti, sessionLifetime, Map.of()));
    return new Issued(body, null, sessionLifetime);
{%- endif %}
  }

  private static ApiException invalidCredentials() {
    return invalidCredentials("invalid email or password");
  }

  private static ApiException invalidCredentials(String detail) {
    return new ApiException(
        HttpStatus.UNAUTHORIZED,
        detail,
        java.util.List.of(),
        {% if cookies %}Map.of(){% else %}Map.of("WWW-Authenticate", "Bearer"){% endif %});
  }
}
