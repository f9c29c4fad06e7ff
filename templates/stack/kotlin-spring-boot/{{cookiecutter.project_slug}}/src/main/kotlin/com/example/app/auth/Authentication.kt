package com.example.app.auth

import com.example.app.web.ApiException
import com.example.app.web.ProblemWriter
import jakarta.servlet.FilterChain
import jakarta.servlet.http.HttpServletRequest
import jakarta.servlet.http.HttpServletResponse
{%- if cookiecutter.auth == "jwt" %}
import org.springframework.http.HttpHeaders
{%- endif %}
import org.springframework.http.HttpStatus
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken
import org.springframework.security.core.context.SecurityContextHolder
import org.springframework.web.filter.OncePerRequestFilter

{%- if cookiecutter.auth == "session-cookie" %}

private val SAFE_METHODS = setOf("GET", "HEAD", "OPTIONS")
{%- endif %}

/**
 * Signs a request in from its {% if cookiecutter.auth == "jwt" %}`Authorization: Bearer` access token{% else %}session cookie (an unsafe method also needs the session's CSRF token in
 * X-CSRF-Token: 403 without it, except on the [public] routes, which ignore the cookie){% endif %}. Credentials that
 * do not check out leave the request anonymous: the protected routes then answer 401.
 */
class Authentication(
    private val accounts: Accounts,
    private val problems: ProblemWriter,
    private val public: Set<String>,
) : OncePerRequestFilter() {
    override fun doFilterInternal(
        request: HttpServletRequest,
        response: HttpServletResponse,
        chain: FilterChain,
    ) {
{%- if cookiecutter.auth == "jwt" %}
        val current = accounts.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION))
{%- else %}
        if (request.requestURI in public) {
            chain.doFilter(request, response)
            return
        }
        val cookie = request.cookies?.firstOrNull { it.name == SESSION_COOKIE }?.value
        val current =
            try {
                accounts.authenticate(cookie, request.getHeader(CSRF_HEADER), request.method !in SAFE_METHODS)
            } catch (e: CsrfRefused) {
                problems.write(response, ApiException(HttpStatus.FORBIDDEN, "CSRF token missing or invalid"))
                return
            }
{%- endif %}
        if (current != null) {
            SecurityContextHolder.getContext().authentication = UsernamePasswordAuthenticationToken(current, null, emptyList())
        }
        chain.doFilter(request, response)
    }
}
