package com.example.app.web;

import com.example.app.config.Settings;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * AUTH_RATE_LIMIT_PER_MINUTE requests a minute per client address on the auth routes that take a
 * password: a fixed one-minute window per address, 429 with Retry-After past it. Counted per
 * instance (the README says how to share the limit between replicas).
 */
@Component
public class RateLimit extends OncePerRequestFilter {

  private static final Set<String> LIMITED =
      Set.of("/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/password");
  private static final long WINDOW_MILLIS = 60_000;
  private static final int MAX_TRACKED = 100_000;

  private final int perMinute;
  private final ClientAddress clients;
  private final ProblemWriter problems;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  public RateLimit(Settings settings, ClientAddress clients, ProblemWriter problems) {
    this.perMinute = settings.authRateLimitPerMinute();
    this.clients = clients;
    this.problems = problems;
  }

  private record Window(long start, int count) {}

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !("POST".equals(request.getMethod()) && LIMITED.contains(request.getRequestURI()));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long now = System.currentTimeMillis();
    if (windows.size() > MAX_TRACKED) {
      windows.values().removeIf(w -> now - w.start() >= WINDOW_MILLIS);
    }
    Window window =
        windows.compute(
            clients.of(request),
            (key, old) ->
                old == null || now - old.start() >= WINDOW_MILLIS
                    ? new Window(now, 1)
                    : new Window(old.start(), old.count() + 1));
    if (window.count() > perMinute) {
      long retry = Math.max(1, (window.start() + WINDOW_MILLIS - now + 999) / 1000);
      problems.write(
          response,
          new ApiException(
              HttpStatus.TOO_MANY_REQUESTS,
              "too many requests: retry later",
              java.util.List.of(),
              Map.of("Retry-After", String.valueOf(retry))));
      return;
    }
    chain.doFilter(request, response);
  }
}
