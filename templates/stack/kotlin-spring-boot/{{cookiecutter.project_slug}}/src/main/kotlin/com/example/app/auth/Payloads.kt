package com.example.app.auth

import com.example.app.api.EMAIL_PATTERN
import com.example.app.api.MAX_PASSWORD
import com.example.app.api.NOT_BLANK_PASSWORD
import com.example.app.api.TextLength
import com.fasterxml.jackson.annotation.JsonProperty
import jakarta.validation.constraints.Pattern
import java.time.Instant

/** POST /auth/register: the email and a password the policy accepts. */
data class UserCreate(
    @field:TextLength(min = 3, max = 254)
    @field:Pattern(regexp = EMAIL_PATTERN, message = "must be an email address")
    val email: String,
    @field:TextLength(min = MIN_PASSWORD_LENGTH, max = MAX_PASSWORD)
    @field:Pattern(regexp = NOT_BLANK_PASSWORD, message = "must not be blank or contain NUL")
    val password: String,
)

/** POST /auth/login. */
data class LoginRequest(
    @field:TextLength(min = 3, max = 254)
    @field:Pattern(regexp = EMAIL_PATTERN, message = "must be an email address")
    val email: String,
    @field:TextLength(min = 1, max = MAX_PASSWORD)
    val password: String,
)

/** POST /auth/password. */
data class PasswordChange(
    @param:JsonProperty("current_password")
    @field:TextLength(min = 1, max = MAX_PASSWORD)
    val currentPassword: String,
    @param:JsonProperty("new_password")
    @field:TextLength(min = MIN_PASSWORD_LENGTH, max = MAX_PASSWORD)
    @field:Pattern(regexp = NOT_BLANK_PASSWORD, message = "must not be blank or contain NUL")
    val newPassword: String,
)
{%- if cookiecutter.auth == "jwt" %}

/** POST /auth/refresh. */
data class RefreshRequest(
    @param:JsonProperty("refresh_token")
    @field:TextLength(min = 1, max = 4096)
    val refreshToken: String,
)

/** A login's or a refresh's answer: a short-lived access token and the refresh token that renews it. */
data class Token(
    @get:JsonProperty("access_token") val accessToken: String,
    @get:JsonProperty("refresh_token") val refreshToken: String,
    @get:JsonProperty("expires_in") val expiresIn: Long,
) {
    @get:JsonProperty("token_type")
    val tokenType: String get() = "bearer"
}
{%- else %}

/** A login's answer: the CSRF token to echo in X-CSRF-Token (the session itself is in the HttpOnly cookie). */
data class SessionInfo(
    @get:JsonProperty("csrf_token") val csrfToken: String,
    @get:JsonProperty("expires_in") val expiresIn: Long,
)
{%- endif %}

/** The answer to a registration, the same whether or not the address was already taken. */
data class Registration(
    val email: String,
)

/** GET /users/me. */
data class UserRead(
    val id: Long,
    val email: String,
    @get:JsonProperty("created_at") val createdAt: Instant,
)
