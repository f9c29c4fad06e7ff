package com.example.app

import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.springframework.beans.factory.annotation.Autowired
import org.springframework.boot.availability.AvailabilityChangeEvent
import org.springframework.boot.availability.ReadinessState
import org.springframework.context.ApplicationContext
import org.springframework.http.HttpMethod
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post

/** Health, metrics, the security headers, unknown routes and the body limit. */
class PlatformTest : ApiTest() {
    @Autowired lateinit var context: ApplicationContext

    @Test
    fun `liveness and readiness answer JSON`() {
        for (path in listOf("/health/live", "/health/ready")) {
            val result = call(HttpMethod.GET, path)
            assertThat(result.response.status).`as`(path).isEqualTo(200)
            assertThat(result.response.contentType).startsWith("application/json")
            assertThat(body(result)["status"].asText()).isEqualTo("UP")
        }
        for (path in listOf("/health", "/health/db", "/health/liveness")) {
            assertThat(call(HttpMethod.GET, path).response.status).`as`(path).isEqualTo(401)
        }
    }

    @Test
    fun `readiness refuses traffic during a graceful shutdown`() {
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC)
        try {
            val ready = call(HttpMethod.GET, "/health/ready")
            assertThat(ready.response.status).isEqualTo(503)
            assertThat(body(ready)["status"].asText()).isEqualTo("OUT_OF_SERVICE")
            assertThat(call(HttpMethod.GET, "/health/live").response.status).isEqualTo(200)
        } finally {
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC)
        }
        assertThat(call(HttpMethod.GET, "/health/ready").response.status).isEqualTo(200)
    }

    @Test
    fun `every response carries the security headers`() {
        for (path in listOf("/health/live", "/no/such/route", "/api/v1/users/me")) {
            val response = call(HttpMethod.GET, path).response
            assertThat(response.getHeader("X-Content-Type-Options")).`as`(path).isEqualTo("nosniff")
            assertThat(response.getHeader("X-Frame-Options")).isEqualTo("DENY")
            assertThat(response.getHeader("Referrer-Policy")).isEqualTo("no-referrer")
            assertThat(response.getHeader("Content-Security-Policy")).isNotBlank()
            assertThat(response.getHeader("Cache-Control")).contains("no-store")
        }
    }

    @Test
    fun `an unknown route is a 404 problem`() {
        val result = call(HttpMethod.GET, "/no/such/route")
        assertThat(result.response.status).isEqualTo(404)
        assertThat(result.response.contentType).startsWith("application/problem+json")
    }

    @Test
    fun `an unserved method is 405 with Allow`() {
        val result = call(HttpMethod.DELETE, "/health/live")
        assertThat(result.response.status).isEqualTo(405)
        assertThat(result.response.getHeader("Allow")).contains("GET")
    }

    @Test
    fun `a body over the limit is 413`() {
        val big = """{"email": "a@example.com", "password": "${"x".repeat(2 * 1024 * 1024)}"}"""
        val result = mvc.perform(post("/api/v1/auth/login").contentType("application/json").content(big)).andReturn()
        assertThat(result.response.status).isEqualTo(413)
    }
}
