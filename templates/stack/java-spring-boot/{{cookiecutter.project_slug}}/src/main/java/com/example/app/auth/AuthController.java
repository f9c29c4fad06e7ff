{%- import "java.jinja" as j with context -%}
{%- set cookies = cookiecutter.auth == "session-cookie" -%}
{%- set throttled = ["429"] if cookiecutter.decisions.rate_limiting in ("app-level", "redis") else [] -%}
package com.example.app.auth;

{%- if cookies %}
import com.example.app.config.Settings;
{%- endif %}
import com.example.app.web.ClientAddress;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
{%- if cookies %}
import java.time.Duration;
{%- endif %}
import java.util.Map;
{%- if cookies %}
import org.springframework.http.HttpHeaders;
{%- endif %}
import org.springframework.http.HttpStatus;
{%- if cookies %}
import org.springframework.http.ResponseCookie;
{%- endif %}
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The auth routes of the contract (operationIds auth_* and users_me), with their response statuses
 * for springdoc (OpenApiDocumentTest compares springdoc's document with openapi.yaml).
 */
@RestController
public class AuthController {

  /** the contract's address check: one @, no spaces or controls, a dot in the domain */
  static final String EMAIL = "^[^@\\x00-\\x20\\x7f]+@[^@\\x00-\\x20\\x7f]+\\.[^@\\x00-\\x20\\x7f]+$";

  /** not blank, no NUL: the rest of the policy is {@link Passwords} */
  static final String NEW_PASSWORD = "^[^\\x00]*[^\\x00\\x09-\\x0d\\x20][^\\x00]*$";

  private final Accounts accounts;
  private final ClientAddress clients;
{%- if cookies %}
  private final boolean secureCookies;
{%- endif %}

  public AuthController(Accounts accounts, ClientAddress clients{% if cookies %}, Settings settings{% endif %}) {
    this.accounts = accounts;
    this.clients = clients;
{%- if cookies %}
    this.secureCookies = settings.cookieSecure();
{%- endif %}
  }

  /** POST /auth/register */
  public record Registration(
      @NotNull @Size(min = 3, max = 254) @Pattern(regexp = EMAIL) String email,
      @NotNull @Size(min = Passwords.MIN_LENGTH, max = Passwords.MAX_LENGTH) @Pattern(regexp = NEW_PASSWORD)
          String password) {}

  /** POST /auth/login */
  public record Login(
      @NotNull @Size(min = 3, max = 254) @Pattern(regexp = EMAIL) String email,
      @NotNull @Size(min = 1, max = Passwords.MAX_LENGTH) String password) {}
{%- if not cookies %}

  /** POST /auth/refresh */
  public record Refresh(@JsonProperty("refresh_token") @NotNull @Size(min = 1, max = 4096) String refreshToken) {}
{%- endif %}

  /** POST /auth/password */
  public record PasswordChange(
      @JsonProperty("current_password") @NotNull @Size(min = 1, max = Passwords.MAX_LENGTH)
          String currentPassword,
      @JsonProperty("new_password") @NotNull @Size(min = Passwords.MIN_LENGTH, max = Passwords.MAX_LENGTH) @Pattern(regexp = NEW_PASSWORD)
          String newPassword) {}

  @Operation(operationId = "auth_register")
{{ j.responses(["201", "400", "413", "422"] + throttled) }}
  @PostMapping("/api/v1/auth/register")
  ResponseEntity<Map<String, Object>> register(@Valid @RequestBody Registration body) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(accounts.register(body.email(), body.password()));
  }

  @Operation(operationId = "auth_login")
{{ j.responses(["200", "400", "401", "413", "422", "429"]) }}
  @PostMapping("/api/v1/auth/login")
  ResponseEntity<Map<String, Object>> login(
      @Valid @RequestBody Login body, HttpServletRequest request) {
    Accounts.Issued issued = accounts.login(body.email(), body.password(), clients.of(request));
{%- if cookies %}
    return ResponseEntity.ok()
        .header(HttpHeaders.SET_COOKIE, sessionCookies(issued))
        .body(issued.body());
{%- else %}
    return ResponseEntity.ok().body(issued.body());
{%- endif %}
  }
{%- if not cookies %}

  @Operation(operationId = "auth_refresh")
{{ j.responses(["200", "400", "401", "413", "422"]) }}
  @PostMapping("/api/v1/auth/refresh")
  ResponseEntity<Map<String, Object>> refresh(@Valid @RequestBody Refresh body) {
    return ResponseEntity.ok(accounts.refresh(body.refreshToken()).body());
  }
{%- endif %}

  @Operation(operationId = "auth_logout")
{{ j.responses(["204", "401"] + (["403"] if cookies else [])) }}
  @PostMapping("/api/v1/auth/logout")
  ResponseEntity<Void> logout(@AuthenticationPrincipal Current current) {
    accounts.logout(current);
{%- if cookies %}
    return ResponseEntity.noContent()
        .header(HttpHeaders.SET_COOKIE, cleared(Authentication.SESSION_COOKIE, true), cleared(Authentication.CSRF_COOKIE, false))
        .build();
{%- else %}
    return ResponseEntity.noContent().build();
{%- endif %}
  }

  @Operation(operationId = "auth_change_password")
{{ j.responses(["204", "400", "401", "403", "413", "422", "429"]) }}
  @PostMapping("/api/v1/auth/password")
  ResponseEntity<Void> changePassword(
      @AuthenticationPrincipal Current current, @Valid @RequestBody PasswordChange body) {
    accounts.changePassword(current, body.currentPassword(), body.newPassword());
    return ResponseEntity.noContent().build();
  }

  @Operation(operationId = "users_me")
{{ j.responses(["200", "401"]) }}
  @GetMapping("/api/v1/users/me")
  Map<String, Object> me(@AuthenticationPrincipal Current current) {
    return Accounts.publicUser(current.user());
  }
{%- if cookies %}

  /** The HttpOnly session cookie and the CSRF cookie the front end reads and echoes. */
  private String[] sessionCookies(Accounts.Issued issued) {
    return new String[] {
      cookie(Authentication.SESSION_COOKIE, issued.sessionToken(), issued.lifetime(), true),
      cookie(Authentication.CSRF_COOKIE, String.valueOf(issued.body().get("csrf_token")), issued.lifetime(), false)
    };
  }

  private String cleared(String name, boolean httpOnly) {
    return cookie(name, "", Duration.ZERO, httpOnly);
  }

  private String cookie(String name, String value, Duration maxAge, boolean httpOnly) {
    return ResponseCookie.from(name, value)
        .httpOnly(httpOnly)
        .secure(secureCookies)
        .sameSite("Lax")
        .path("/")
        .maxAge(maxAge)
        .build()
        .toString();
  }
{%- endif %}
}
