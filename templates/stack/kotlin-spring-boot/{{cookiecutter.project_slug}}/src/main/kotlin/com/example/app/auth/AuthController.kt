{%- import "kotlin.jinja" as k with context -%}
{%- set throttled = ["429"] if cookiecutter.decisions.rate_limiting in ("app-level", "redis") else [] -%}
package com.example.app.auth

import com.example.app.api.Requests
import com.example.app.web.ClientAddress
import com.example.app.web.RateLimit
import com.fasterxml.jackson.databind.JsonNode
import io.swagger.v3.oas.annotations.Operation
import io.swagger.v3.oas.annotations.media.Content
import io.swagger.v3.oas.annotations.media.Schema
import io.swagger.v3.oas.annotations.responses.ApiResponse
import jakarta.servlet.http.HttpServletRequest
{%- if cookiecutter.auth == "session-cookie" %}
import org.springframework.http.HttpHeaders
{%- endif %}
import org.springframework.http.HttpStatus
import org.springframework.http.ResponseEntity
import org.springframework.security.core.annotation.AuthenticationPrincipal
import org.springframework.web.bind.annotation.GetMapping
import org.springframework.web.bind.annotation.PostMapping
import org.springframework.web.bind.annotation.RequestBody
import org.springframework.web.bind.annotation.RequestMapping
import org.springframework.web.bind.annotation.ResponseStatus
import org.springframework.web.bind.annotation.RestController
import io.swagger.v3.oas.annotations.parameters.RequestBody as ApiBody

/**
 * The auth routes of the contract (operationIds auth_*, users_me); register, login and password change are rate limited
 * per client. Each names its operationId, its body's payload class and its statuses for springdoc (OpenApiDocumentTest).
 */
@RestController
@RequestMapping("/api/v1")
class AuthController(
    private val accounts: Accounts,
    private val requests: Requests,
    private val rateLimit: RateLimit,
    private val clients: ClientAddress,
) {
    @Operation(operationId = "auth_register")
{{ k.responses(["201", "400", "413", "422"] + throttled) }}
    @PostMapping("/auth/register")
    @ResponseStatus(HttpStatus.CREATED)
    fun register(
        {{ k.body("UserCreate") }}
        @RequestBody body: JsonNode,
        request: HttpServletRequest,
    ): Registration {
        rateLimit.check(clients.of(request))
        return accounts.register(requests.read(body, UserCreate::class.java))
    }
{%- if cookiecutter.auth == "jwt" %}

    @Operation(operationId = "auth_login")
{{ k.responses(["200", "400", "401", "413", "422", "429"]) }}
    @PostMapping("/auth/login")
    fun login(
        {{ k.body("LoginRequest") }}
        @RequestBody body: JsonNode,
        request: HttpServletRequest,
    ): Token {
        val client = clients.of(request)
        rateLimit.check(client)
        return accounts.login(requests.read(body, LoginRequest::class.java), client)
    }

    @Operation(operationId = "auth_refresh")
{{ k.responses(["200", "400", "401", "413", "422"]) }}
    @PostMapping("/auth/refresh")
    fun refresh(
        {{ k.body("RefreshRequest") }}
        @RequestBody body: JsonNode,
    ): Token = accounts.refresh(requests.read(body, RefreshRequest::class.java))

    @Operation(operationId = "auth_logout")
{{ k.responses(["204", "401"] + (["403"] if cookiecutter.auth == "session-cookie" else [])) }}
    @PostMapping("/auth/logout")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    fun logout(
        @AuthenticationPrincipal current: Current,
    ) = accounts.logout(current)
{%- else %}

    @Operation(operationId = "auth_login")
{{ k.responses(["200", "400", "401", "413", "422", "429"]) }}
    @PostMapping("/auth/login")
    fun login(
        {{ k.body("LoginRequest") }}
        @RequestBody body: JsonNode,
        request: HttpServletRequest,
    ): ResponseEntity<SessionInfo> {
        val client = clients.of(request)
        rateLimit.check(client)
        val reply = accounts.login(requests.read(body, LoginRequest::class.java), client)
        return ResponseEntity
            .ok()
            .header(HttpHeaders.SET_COOKIE, *reply.cookies.map { it.toString() }.toTypedArray())
            .body(reply.body)
    }

    @Operation(operationId = "auth_logout")
{{ k.responses(["204", "401"] + (["403"] if cookiecutter.auth == "session-cookie" else [])) }}
    @PostMapping("/auth/logout")
    fun logout(
        @AuthenticationPrincipal current: Current,
    ): ResponseEntity<Unit> {
        val reply = accounts.logout(current)
        return ResponseEntity
            .noContent()
            .header(HttpHeaders.SET_COOKIE, *reply.cookies.map { it.toString() }.toTypedArray())
            .build()
    }
{%- endif %}

    @Operation(operationId = "auth_change_password")
{{ k.responses(["204", "400", "401", "403", "413", "422", "429"]) }}
    @PostMapping("/auth/password")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    fun changePassword(
        @AuthenticationPrincipal current: Current,
        {{ k.body("PasswordChange") }}
        @RequestBody body: JsonNode,
        request: HttpServletRequest,
    ) {
        rateLimit.check(clients.of(request))
        accounts.changePassword(current, requests.read(body, PasswordChange::class.java))
    }

    @Operation(operationId = "users_me")
{{ k.responses(["200", "401"]) }}
    @GetMapping("/users/me")
    fun me(
        @AuthenticationPrincipal current: Current,
    ): UserRead = accounts.me(current)
}
