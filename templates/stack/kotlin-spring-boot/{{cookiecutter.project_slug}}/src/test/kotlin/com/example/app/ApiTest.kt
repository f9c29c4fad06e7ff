{%- set cookies = cookiecutter.auth == "session-cookie" -%}
package com.example.app

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
{%- if cookies %}
import jakarta.servlet.http.Cookie
{%- endif %}
import org.springframework.beans.factory.annotation.Autowired
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc
import org.springframework.boot.test.context.SpringBootTest
import org.springframework.http.HttpMethod
import org.springframework.http.MediaType
import org.springframework.test.context.DynamicPropertyRegistry
import org.springframework.test.context.DynamicPropertySource
import org.springframework.test.web.servlet.MockMvc
import org.springframework.test.web.servlet.MvcResult
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request
import java.security.SecureRandom
import java.util.HexFormat
import java.util.UUID

const val PASSWORD = "a long test passphrase 42"

fun newEmail() = "user-${UUID.randomUUID().toString().take(12)}@example.com"

/** A signed-in user: the credentials every request of theirs carries. */
data class Session(
    val email: String,
{%- if cookies %}
    val cookie: String,
    val csrf: String,
{%- else %}
    val accessToken: String,
    val refreshToken: String,
{%- endif %}
) {
{%- if cookies %}
    fun sign(request: MockHttpServletRequestBuilder): MockHttpServletRequestBuilder =
        request.cookie(Cookie("session", cookie)).header("X-CSRF-Token", csrf)
{%- else %}
    fun sign(request: MockHttpServletRequestBuilder): MockHttpServletRequestBuilder = request.header("Authorization", "Bearer $accessToken")
{%- endif %}
}

/**
 * What the tests share: the whole application against DATABASE_URL (Flyway migrates it first), a random
 * SECRET_KEY unless one is set, and users that sign up and in through the API itself.
 */
@SpringBootTest(
    properties = [
        "spring.flyway.enabled=true",
        // springdoc's document of the controllers, which OpenApiDocumentTest compares with openapi.yaml
        "springdoc.api-docs.enabled=true",
        // the tests sign in hundreds of times from one address: the limit has its own test
        "app.auth-rate-limit-per-minute=100000",
    ],
)
@AutoConfigureMockMvc
abstract class ApiTest {
    @Autowired lateinit var mvc: MockMvc

    @Autowired lateinit var json: ObjectMapper

    companion object {
        @JvmStatic
        @DynamicPropertySource
        fun secret(registry: DynamicPropertyRegistry) {
            if (System.getenv("SECRET_KEY").isNullOrBlank()) {
                val key = ByteArray(32).also { SecureRandom().nextBytes(it) }
                registry.add("app.secret-key") { HexFormat.of().formatHex(key) }
            }
        }
    }

    fun call(
        method: HttpMethod,
        url: String,
        body: Any? = null,
        user: Session? = null,
        query: Map<String, String> = emptyMap(),
    ): MvcResult {
        var builder = request(method, url)
        query.forEach { (name, value) -> builder.queryParam(name, value) }
        if (user != null) builder = user.sign(builder)
        if (body != null) builder.contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsBytes(body))
        return mvc.perform(builder).andReturn()
    }

    /** POST with a raw body. */
    fun raw(
        url: String,
        content: String,
    ): MvcResult = mvc.perform(request(HttpMethod.POST, url).contentType(MediaType.APPLICATION_JSON).content(content)).andReturn()

    fun body(result: MvcResult): JsonNode = json.readTree(result.response.contentAsByteArray)

    fun register(
        email: String,
        password: String = PASSWORD,
    ) = call(HttpMethod.POST, "/api/v1/auth/register", mapOf("email" to email, "password" to password))

    fun login(
        email: String,
        password: String = PASSWORD,
    ) = call(HttpMethod.POST, "/api/v1/auth/login", mapOf("email" to email, "password" to password))

    fun signIn(email: String = newEmail()): Session {
        register(email)
        val result = login(email)
        check(result.response.status == 200) { "login failed: ${result.response.contentAsString}" }
        val answer = body(result)
{%- if cookies %}
        return Session(email, result.response.getCookie("session")!!.value, answer["csrf_token"].asText())
{%- else %}
        return Session(email, answer["access_token"].asText(), answer["refresh_token"].asText())
{%- endif %}
    }

    fun me(user: Session): Int = call(HttpMethod.GET, "/api/v1/users/me", user = user).response.status
}
