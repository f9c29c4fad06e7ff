package com.example.app.web

import com.example.app.auth.Accounts
import com.example.app.auth.Authentication
import com.example.app.config.Settings
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
import org.springframework.context.annotation.Bean
import org.springframework.context.annotation.Configuration
import org.springframework.http.HttpStatus
import org.springframework.security.config.annotation.web.builders.HttpSecurity
import org.springframework.security.config.http.SessionCreationPolicy
import org.springframework.security.web.SecurityFilterChain
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter
import org.springframework.security.web.header.writers.StaticHeadersWriter

/** The routes anyone may call; every other one under /api needs credentials. */
private val PUBLIC = setOf("/api/v1/auth/register", "/api/v1/auth/login"{% if cookiecutter.auth == "jwt" %}, "/api/v1/auth/refresh"{% endif %})

/**
 * Spring Security: no HTTP session (the app's own server-side sessions), no form login, the contract's
 * security headers on every response (nosniff, DENY, no-referrer, a restrictive CSP, Cache-Control:
 * no-store), 401/403 as problem details{% if cookiecutter.auth == "jwt" %} (401 with WWW-Authenticate: Bearer){% endif %}. Spring's own CSRF
 * protection is off: {% if cookiecutter.auth == "jwt" %}bearer tokens are not sent by browsers on their own{% else %}the double submit is checked against the session's signed token (auth/Authentication.kt){% endif %}.
 */
@Configuration
@ConditionalOnWebApplication
class SecurityConfig {
    @Bean
    fun filterChain(
        http: HttpSecurity,
        accounts: Accounts,
        problems: ProblemWriter,
        settings: Settings,
    ): SecurityFilterChain {
        val unauthorized = ApiException(HttpStatus.UNAUTHORIZED, "not authenticated"{% if cookiecutter.auth == "jwt" %}, headers = mapOf("WWW-Authenticate" to "Bearer"){% endif %})
        http
            .csrf { it.disable() }
            .sessionManagement { it.sessionCreationPolicy(SessionCreationPolicy.STATELESS) }
            .httpBasic { it.disable() }
            .formLogin { it.disable() }
            .logout { it.disable() }
            .requestCache { it.disable() }
            .headers { headers ->
                headers
                    .frameOptions { it.deny() }
                    .referrerPolicy { it.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER) }
                    .contentSecurityPolicy { it.policyDirectives("default-src 'none'; frame-ancestors 'none'") }
                    .addHeaderWriter(StaticHeadersWriter("Cross-Origin-Opener-Policy", "same-origin"))
            }.authorizeHttpRequests {
                it
                    .requestMatchers(*PUBLIC.toTypedArray())
                    .permitAll()
                    // Actuator's health endpoint: only the probes (its groups live and ready) are public
                    .requestMatchers("/health/live", "/health/ready")
                    .permitAll()
                    .requestMatchers("/health", "/health/**")
                    .denyAll()
                    .requestMatchers("/api/**")
                    .authenticated()
                    .anyRequest()
                    .permitAll()
            }.exceptionHandling {
                it
                    .authenticationEntryPoint { _, response, _ -> problems.write(response, unauthorized) }
                    .accessDeniedHandler { _, response, _ -> problems.write(response, ApiException(HttpStatus.FORBIDDEN, "forbidden")) }
            }.addFilterBefore(BodyLimit(settings, problems), AnonymousAuthenticationFilter::class.java)
            .addFilterBefore(Authentication(accounts, problems, PUBLIC), AnonymousAuthenticationFilter::class.java)
        return http.build()
    }
}
