{%- set cookies = cookiecutter.auth == "session-cookie" -%}
package com.example.app.auth;

import com.example.app.domain.AuthSession;
import com.example.app.domain.Sessions;
import com.example.app.domain.User;
import com.example.app.domain.Users;
{%- if cookies %}
import com.example.app.web.ApiException;
import com.example.app.web.ProblemWriter;
{%- endif %}
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
{%- if cookies %}
import jakarta.servlet.http.Cookie;
{%- endif %}
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
{%- if cookies %}
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
{%- endif %}
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
{%- if cookies %}
import org.springframework.http.HttpStatus;
{%- endif %}
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
{%- if cookies %}
 * Reads the signed {@code session} cookie: a valid one naming an open session of an active user
 * authenticates the request. Unsafe methods must also echo the session's CSRF token (readable in the
 * {@code csrf_token} cookie) in X-CSRF-Token: double submit, checked against the signed value (403).
{%- else %}
 * Reads {@code Authorization: Bearer}: a valid access token naming an open session of an active
 * user authenticates the request; anything else leaves it anonymous (protected routes answer 401).
{%- endif %}
 */
@Component
public class Authentication extends OncePerRequestFilter {

  /** the routes that sign a user up or in */
  public static final Set<String> ANONYMOUS =
      Set.of("/api/v1/auth/register", "/api/v1/auth/login"{% if not cookies %}, "/api/v1/auth/refresh"{% endif %});
{%- if cookies %}

  public static final String SESSION_COOKIE = "session";
  public static final String CSRF_COOKIE = "csrf_token";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
{%- endif %}

  private final Tokens tokens;
  private final Sessions sessions;
  private final Users users;
{%- if cookies %}
  private final ProblemWriter problems;
{%- endif %}

  public Authentication(Tokens tokens, Sessions sessions, Users users{% if cookies %}, ProblemWriter problems{% endif %}) {
    this.tokens = tokens;
    this.sessions = sessions;
    this.users = users;
{%- if cookies %}
    this.problems = problems;
{%- endif %}
  }

  /** Signing up and in takes no credential: a session the client still holds is not checked there. */
  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return ANONYMOUS.contains(request.getRequestURI());
  }

  /** The user and session a token of type {@code typ} names, when both are still valid. */
  public Optional<Current> open(Jwt claims) {
    Integer userId;
    try {
      userId = Integer.valueOf(claims.getSubject());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    Optional<AuthSession> session =
        sessions
            .findById(claims.getClaimAsString("sid"))
            .filter(s -> s.userId.equals(userId) && s.isOpen(Instant.now()));
    Optional<User> user = session.flatMap(s -> users.findById(userId)).filter(u -> u.isActive);
    return user.map(u -> new Current(u, session.get().id));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
{%- if cookies %}
    Optional<Jwt> claims = cookie(request, SESSION_COOKIE).flatMap(t -> tokens.decode(t, "session"));
    Optional<Current> current = claims.flatMap(this::open);
    if (current.isPresent()
        && !SAFE_METHODS.contains(request.getMethod())
        && !same(request.getHeader(CSRF_HEADER), claims.get().getClaimAsString("csrf"))) {
      problems.write(
          response, new ApiException(HttpStatus.FORBIDDEN, "CSRF token missing or invalid"));
      return;
    }
{%- else %}
    String header = request.getHeader("Authorization");
    Optional<Current> current =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? tokens.decode(header.substring(7).trim(), "access").flatMap(this::open)
            : Optional.empty();
{%- endif %}
    current.ifPresent(
        c ->
            SecurityContextHolder.getContext()
                .setAuthentication(
                    new UsernamePasswordAuthenticationToken(c, null, List.of())));
    chain.doFilter(request, response);
  }
{%- if cookies %}

  /** A cookie's value, when the request carries it. */
  public static Optional<String> cookie(HttpServletRequest request, String name) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return Optional.empty();
    }
    for (Cookie cookie : cookies) {
      if (name.equals(cookie.getName()) && !cookie.getValue().isEmpty()) {
        return Optional.of(cookie.getValue());
      }
    }
    return Optional.empty();
  }

  private static boolean same(String echoed, String expected) {
    return echoed != null
        && expected != null
        && MessageDigest.isEqual(
            echoed.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }
{%- endif %}
}
