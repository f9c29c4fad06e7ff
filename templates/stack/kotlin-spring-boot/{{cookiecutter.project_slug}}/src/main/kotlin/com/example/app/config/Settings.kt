package com.example.app.config

import jakarta.validation.constraints.AssertTrue
import jakarta.validation.constraints.Max
import jakarta.validation.constraints.Min
import jakarta.validation.constraints.NotBlank
import org.springframework.boot.context.properties.ConfigurationProperties
import org.springframework.validation.annotation.Validated

/** Values people paste from examples: never a secret. */
private val PLACEHOLDERS = listOf("change-me", "changeme", "secret", "example", "placeholder", "your-secret")

/**
 * The `app.*` settings (application.yml maps each to an environment variable), checked at start: a missing
 * or weak SECRET_KEY or a bad number stops the application with one message.
 */
@Validated
@ConfigurationProperties("app")
data class Settings(
    @field:NotBlank(message = "DATABASE_URL is not set") val databaseUrl: String = "",
    val secretKey: String = "",
{%- if cookiecutter.auth == "session-cookie" %}
    @field:Min(1) @field:Max(43200) val sessionMinutes: Int = 480,
    val cookieSecure: Boolean = true,
{%- else %}
    @field:Min(1) @field:Max(1440) val accessTokenMinutes: Int = 30,
    @field:Min(1) @field:Max(365) val refreshTokenDays: Int = 14,
{%- endif %}
    @field:Min(1) @field:Max(100000) val authRateLimitPerMinute: Int = 20,
    val trustedProxies: String = "",
    @field:Min(1) @field:Max(1000) val loginLockoutFailures: Int = 5,
    @field:Min(1) @field:Max(86400) val loginLockoutMaxSeconds: Int = 900,
    @field:Min(1024) @field:Max(1048576) val maxRequestBodyBytes: Long = 1048576,
    @field:Min(1) @field:Max(64) val passwordHashConcurrency: Int = 4,
) {
    /** SECRET_KEY: at least 32 bytes, and not one of the example values. */
    @get:AssertTrue(message = "SECRET_KEY must be at least 32 bytes and not a placeholder")
    val isSecretKeyStrong: Boolean
        get() = secretKey.toByteArray().size >= 32 && PLACEHOLDERS.none { secretKey.lowercase().contains(it) }

    /** TRUSTED_PROXIES as a list of addresses or CIDR blocks (empty: trust no proxy). */
    val trustedProxyList: List<String>
        get() = trustedProxies.split(",").map { it.trim() }.filter { it.isNotEmpty() }
}
