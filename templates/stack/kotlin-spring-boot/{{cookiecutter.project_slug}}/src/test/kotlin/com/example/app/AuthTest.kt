{%- set cookies = cookiecutter.auth == "session-cookie" -%}
package com.example.app
{% if cookies %}
import jakarta.servlet.http.Cookie
{%- endif %}
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource
import org.springframework.http.HttpMethod
{%- if cookies %}
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post
{%- else %}
import java.util.Base64
{%- endif %}

/** Registration, login, sessions, the password policy and the error format. */
class AuthTest : ApiTest() {
    @Test
    fun `registers, signs in and reads itself`() {
        val user = signIn()
        val me = call(HttpMethod.GET, "/api/v1/users/me", user = user)
        assertThat(me.response.status).isEqualTo(200)
        assertThat(body(me)["email"].asText()).isEqualTo(user.email)
        assertThat(body(me).has("password_hash")).isFalse()
    }

    @Test
    fun `a taken email gets the same answer`() {
        val email = newEmail()
        val first = register(email)
        val again = register(email, "another long passphrase 9")
        assertThat(again.response.status).isEqualTo(first.response.status).isEqualTo(201)
        assertThat(body(again)).isEqualTo(body(first))
    }

    @Test
    fun `a wrong password and an unknown email look the same`() {
        val user = signIn()
        val wrong = login(user.email, "not the right passphrase")
        val unknown = login(newEmail(), "not the right passphrase")
        assertThat(wrong.response.status).isEqualTo(unknown.response.status).isEqualTo(401)
        assertThat(wrong.response.contentAsString).isEqualTo(unknown.response.contentAsString)
    }

    @ParameterizedTest
    @ValueSource(strings = ["short", "password1234", "123456789012", "                    "])
    fun `weak passwords are refused at the password`(password: String) {
        val result = register(newEmail(), password)
        assertThat(result.response.status).isEqualTo(422)
        assertThat(result.response.contentType).startsWith("application/problem+json")
        assertThat(body(result)["errors"][0]["pointer"].asText()).isEqualTo("#/password")
    }

    @Test
    fun `an unknown member is pointed at without its value`() {
        val body = mapOf("email" to newEmail(), "password" to PASSWORD, "is_admin" to "secret-value")
        val result = call(HttpMethod.POST, "/api/v1/auth/register", body)
        assertThat(result.response.status).isEqualTo(422)
        assertThat(body(result)["errors"][0]["pointer"].asText()).isEqualTo("#/is_admin")
        assertThat(result.response.contentAsString).doesNotContain("secret-value")
    }

    @Test
    fun `a missing member is pointed at`() {
        val result = call(HttpMethod.POST, "/api/v1/auth/register", mapOf("email" to newEmail()))
        assertThat(result.response.status).isEqualTo(422)
        assertThat(body(result)["errors"].map { it["pointer"].asText() }).contains("#/password")
    }

    @Test
    fun `malformed JSON is 400`() {
        val result = raw("/api/v1/auth/login", """{"email": """)
        assertThat(result.response.status).isEqualTo(400)
        assertThat(body(result)["status"].asInt()).isEqualTo(400)
    }

    @Test
    fun `credentials are needed`() {
        val result = call(HttpMethod.GET, "/api/v1/users/me")
        assertThat(result.response.status).isEqualTo(401)
{%- if not cookies %}
        assertThat(result.response.getHeader("WWW-Authenticate")).startsWith("Bearer")
{%- endif %}
    }

    @Test
    fun `logout ends the session`() {
        val user = signIn()
        assertThat(call(HttpMethod.POST, "/api/v1/auth/logout", user = user).response.status).isEqualTo(204)
        assertThat(me(user)).isEqualTo(401)
    }

    @Test
    fun `a password change ends the other sessions`() {
        val user = signIn()
        val phone = signIn(user.email)
        val wrong = mapOf("current_password" to "not it at all 123", "new_password" to "a brand new passphrase 42")
        assertThat(call(HttpMethod.POST, "/api/v1/auth/password", wrong, user).response.status).isEqualTo(403)
        val change = mapOf("current_password" to PASSWORD, "new_password" to "a brand new passphrase 42")
        assertThat(call(HttpMethod.POST, "/api/v1/auth/password", change, user).response.status).isEqualTo(204)
        assertThat(me(phone)).isEqualTo(401)
        assertThat(me(user)).isEqualTo(200)
        assertThat(login(user.email).response.status).isEqualTo(401)
        assertThat(login(user.email, "a brand new passphrase 42").response.status).isEqualTo(200)
    }
{%- if cookies %}

    @Test
    fun `an unsafe request without the CSRF token is 403 and keeps the session`() {
        val user = signIn()
        val refused = mvc.perform(post("/api/v1/auth/logout").cookie(Cookie("session", user.cookie))).andReturn()
        assertThat(refused.response.status).isEqualTo(403)
        assertThat(me(user)).isEqualTo(200)
    }

    @Test
    fun `the session cookie is HttpOnly, SameSite and site-wide`() {
        val email = newEmail()
        register(email)
        val cookie =
            login(email)
                .response
                .getHeaders("Set-Cookie")
                .first { it.startsWith("session=") }
                .lowercase()
        assertThat(cookie).contains("httponly", "samesite=lax", "path=/")
    }
{%- else %}

    @Test
    fun `a refresh token works once, and its reuse ends the family`() {
        val user = signIn()
        val first = call(HttpMethod.POST, "/api/v1/auth/refresh", mapOf("refresh_token" to user.refreshToken))
        assertThat(first.response.status).isEqualTo(200)
        val rotated = body(first)["refresh_token"].asText()
        assertThat(rotated).isNotEqualTo(user.refreshToken)
        val reused = call(HttpMethod.POST, "/api/v1/auth/refresh", mapOf("refresh_token" to user.refreshToken))
        assertThat(reused.response.status).isEqualTo(401)
        val family = call(HttpMethod.POST, "/api/v1/auth/refresh", mapOf("refresh_token" to rotated))
        assertThat(family.response.status).isEqualTo(401)
    }

    @Test
    fun `a token of another algorithm is refused`() {
        val claims = signIn().accessToken.split(".")[1]
        val none = Base64.getUrlEncoder().withoutPadding().encodeToString("""{"alg":"none","typ":"JWT"}""".toByteArray())
        assertThat(me(Session("forged@example.com", "$none.$claims.", ""))).isEqualTo(401)
    }
{%- endif %}

    @Test
    fun `repeated failures make the account wait`() {
        val user = signIn()
        val statuses = (1..10).map { login(user.email, "guess number 1234").response.status }
        assertThat(statuses).contains(429)
    }
}
