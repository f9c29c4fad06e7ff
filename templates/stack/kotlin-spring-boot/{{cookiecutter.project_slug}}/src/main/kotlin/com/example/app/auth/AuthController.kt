package com.example.app.auth

import com.example.app.api.Requests
import com.example.app.web.ClientAddress
import com.example.app.web.RateLimit
import com.fasterxml.jackson.databind.JsonNode
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

/** The auth routes of the contract (operationIds auth_*, users_me); register, login and password change are rate limited per client. */
@RestController
@RequestMapping("/api/v1")
class AuthController(
    private val accounts: Accounts,
    private val requests: Requests,
    private val rateLimit: RateLimit,
    private val clients: ClientAddress,
) {
    @PostMapping("/auth/register")
    @ResponseStatus(HttpStatus.CREATED)
    fun register(
        @RequestBody body: JsonNode,
        request: HttpServletRequest,
    ): Registration {
        rateLimit.check(clients.of(request))
        return accounts.register(requests.read(body, UserCreate::class.java))
    }
{%- if cookiecutter.auth == "jwt" %}

    @PostMapping("/auth/login")
    fun login(
        @RequestBody body: JsonNode,
        request: HttpServletRequest,
    ): Token {
        val client = clients.of(request)
        rateLimit.check(client)
        return accounts.login(requests.read(body, LoginRequest::class.java), client)
    }

    @PostMapping("/auth/refresh")
    fun refresh(
        @RequestBody body: JsonNode,
    ): Token = accounts.refresh(requests.read(body, RefreshRequest::class.java))

    @PostMapping("/auth/logout")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    fun logout(
        @AuthenticationPrincipal current: Current,
    ) = accounts.logout(current)
{%- else %}

    @PostMapping("/auth/login")
    fun login(
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

    @PostMapping("/auth/password")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    fun changePassword(
        @AuthenticationPrincipal current: Current,
        @RequestBody body: JsonNode,
        request: HttpServletRequest,
    ) {
        rateLimit.check(clients.of(request))
        accounts.changePassword(current, requests.read(body, PasswordChange::class.java))
    }

    @GetMapping("/users/me")
    fun me(
        @AuthenticationPrincipal current: Current,
    ): UserRead = accounts.me(current)
}
