package com.example.app.config;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The {@code app.*} settings (application.yml maps each to an environment variable), checked at
 * start: a missing or weak SECRET_KEY or a bad number stops the application with one message.
 */
@Validated
@ConfigurationProperties("app")
public record Settings(
    @NotBlank(message = "DATABASE_URL is not set") String databaseUrl,
    String secretKey,
{%- if cookiecutter.auth == "session-cookie" %}
    @Min(1) @Max(43200) int sessionMinutes,
    boolean cookieSecure,
{%- else %}
    @Min(1) @Max(1440) int accessTokenMinutes,
    @Min(1) @Max(365) int refreshTokenDays,
{%- endif %}
    @Min(1) @Max(100000) int authRateLimitPerMinute,
    String trustedProxies,
    @Min(1) @Max(1000) int loginLockoutFailures,
    @Min(1) @Max(86400) int loginLockoutMaxSeconds,
    @Min(1024) @Max(1048576) long maxRequestBodyBytes,
    @Min(1) @Max(64) int passwordHashConcurrency) {

  /** Values people paste from examples: never a secret. */
  private static final List<String> PLACEHOLDERS =
      List.of("change-me", "changeme", "secret", "example", "placeholder", "your-secret");

  /** SECRET_KEY: at least 32 bytes, and not one of the example values. */
  @AssertTrue(message = "SECRET_KEY must be at least 32 bytes and not a placeholder")
  public boolean isSecretKeyStrong() {
    if (secretKey == null || secretKey.getBytes(StandardCharsets.UTF_8).length < 32) {
      return false;
    }
    String lower = secretKey.toLowerCase(Locale.ROOT);
    return PLACEHOLDERS.stream().noneMatch(lower::contains);
  }

  /** TRUSTED_PROXIES as a list of addresses or CIDR blocks (empty: trust no proxy). */
  public List<String> trustedProxyList() {
    if (trustedProxies == null || trustedProxies.isBlank()) {
      return List.of();
    }
    return List.of(trustedProxies.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
