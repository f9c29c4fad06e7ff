package com.example.app.web;

import com.example.app.auth.Authentication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

/**
 * Spring Security: no server-side HTTP session, no form login; the API's own credential filter
 * ({@link Authentication}); every /api route but registration, login{% if cookiecutter.auth == "jwt" %} and refresh{% endif %} needs a user (401
 * problem otherwise); and the security headers on every response.
 */
@Configuration
public class SecurityConfig {

  @Bean
  SecurityFilterChain api(HttpSecurity http, Authentication authentication, ProblemWriter problems)
      throws Exception {
    http.csrf(AbstractHttpConfigurer::disable) // {% if cookiecutter.auth == "jwt" %}bearer tokens: no ambient credential{% else %}the double submit is checked by Authentication{% endif %}
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .requestCache(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(
            a ->
                a.requestMatchers(
                        "/api/v1/auth/register",
                        "/api/v1/auth/login"{% if cookiecutter.auth == "jwt" %},
                        "/api/v1/auth/refresh"{% endif %})
                    .permitAll()
                    // Actuator's health endpoint: only the probes (its groups live and ready) are public
                    .requestMatchers("/health/live", "/health/ready")
                    .permitAll()
                    .requestMatchers("/health", "/health/**")
                    .denyAll()
                    .requestMatchers("/api/**")
                    .authenticated()
                    .anyRequest()
                    .permitAll())
        .exceptionHandling(
            e ->
                e.authenticationEntryPoint(
                        (request, response, error) ->
                            problems.write(response, unauthorized()))
                    .accessDeniedHandler(
                        (request, response, error) ->
                            problems.write(
                                response, new ApiException(HttpStatus.FORBIDDEN, "forbidden"))))
        .headers(
            h ->
                h.contentSecurityPolicy(
                        c -> c.policyDirectives("default-src 'none'; frame-ancestors 'none'"))
                    .referrerPolicy(r -> r.policy(ReferrerPolicy.NO_REFERRER))
                    .frameOptions(f -> f.deny()))
        .addFilterBefore(authentication, AnonymousAuthenticationFilter.class);
    return http.build();
  }

  /** 401 as the contract says{% if cookiecutter.auth == "jwt" %}, with WWW-Authenticate: Bearer{% endif %}. */
  public static ApiException unauthorized() {
    return new ApiException(
        HttpStatus.UNAUTHORIZED,
        "not authenticated",
        java.util.List.of(),
        {% if cookiecutter.auth == "jwt" %}java.util.Map.of("WWW-Authenticate", "Bearer"){% else %}java.util.Map.of(){% endif %});
  }

  /**
   * Spring Security's firewall, but query parameters are the application's to check (an unknown
   * one is ignored, a bad value of a known one is a 422), and so are methods: one no route has is
   * Spring MVC's 405 with Allow.
   */
  @Bean
  StrictHttpFirewall firewall() {
    StrictHttpFirewall firewall = new StrictHttpFirewall();
    firewall.setUnsafeAllowAnyHttpMethod(true);
    firewall.setAllowedParameterNames(name -> true);
    firewall.setAllowedParameterValues(value -> true);
    return firewall;
  }

  /**
   * What the firewall refuses, as problem details: a path it will not route (an encoded NUL, a
   * backslash, ...) names no resource, 404.
   */
  @Bean
  RequestRejectedHandler rejected(ProblemWriter problems) {
    return (request, response, error) ->
        problems.write(response, new ApiException(HttpStatus.NOT_FOUND, "not found"));
  }

  /** The credential filter runs inside Spring Security's chain only, not a second time as a servlet filter. */
  @Bean
  FilterRegistrationBean<Authentication> authenticationOutsideTheChain(Authentication filter) {
    FilterRegistrationBean<Authentication> registration = new FilterRegistrationBean<>(filter);
    registration.setEnabled(false);
    return registration;
  }
}
