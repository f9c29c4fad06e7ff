{%- set cookies = cookiecutter.auth == "session-cookie" -%}
package com.example.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.servlet.MvcResult;

/** Registration, login, sessions, the password policy and the error format. */
class AuthTest extends ApiTest {

  @Autowired ApplicationContext context;

  @Test
  void registersSignsInAndReadsItself() throws Exception {
    Session user = signIn();
    MvcResult me = mvc.perform(user.sign(get("/api/v1/users/me"))).andReturn();
    assertThat(me.getResponse().getStatus()).isEqualTo(200);
    JsonNode body = body(me);
    assertThat(body.get("email").asText()).isEqualTo(user.email());
    assertThat(body.has("password_hash")).isFalse();
  }

  @Test
  void aTakenEmailGetsTheSameAnswer() throws Exception {
    String email = newEmail();
    MvcResult first = register(email, PASSWORD);
    MvcResult again = register(email, "another long passphrase 9");
    assertThat(again.getResponse().getStatus()).isEqualTo(first.getResponse().getStatus()).isEqualTo(201);
    assertThat(body(again)).isEqualTo(body(first));
  }

  @Test
  void wrongPasswordAndUnknownEmailLookTheSame() throws Exception {
    Session user = signIn();
    MvcResult wrong = login(user.email(), "not the right passphrase");
    MvcResult unknown = login(newEmail(), "not the right passphrase");
    assertThat(wrong.getResponse().getStatus()).isEqualTo(unknown.getResponse().getStatus()).isEqualTo(401);
    assertThat(wrong.getResponse().getContentAsString()).isEqualTo(unknown.getResponse().getContentAsString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"short", "password1234", "123456789012", "                    "})
  void weakPasswordsAreRefusedAtThePassword(String password) throws Exception {
    MvcResult result = register(newEmail(), password);
    assertThat(result.getResponse().getStatus()).isEqualTo(422);
    assertThat(result.getResponse().getContentType()).startsWith("application/problem+json");
    assertThat(body(result).get("errors").get(0).get("pointer").asText()).isEqualTo("#/password");
  }

  @Test
  void anUnknownMemberIsPointedAtWithoutItsValue() throws Exception {
    MvcResult result =
        call(HttpMethod.POST, "/api/v1/auth/register",
            Map.of("email", newEmail(), "password", PASSWORD, "is_admin", "secret-value"));
    assertThat(result.getResponse().getStatus()).isEqualTo(422);
    assertThat(body(result).get("errors").get(0).get("pointer").asText()).isEqualTo("#/is_admin");
    assertThat(result.getResponse().getContentAsString()).doesNotContain("secret-value");
  }

  @Test
  void malformedJsonIs400AndAnOversizedBody413() throws Exception {
    assertThat(raw("/api/v1/auth/login", "{\"email\": ").getResponse().getStatus()).isEqualTo(400);
    String big = "{\"email\": \"a@b.co\", \"password\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";
    assertThat(raw("/api/v1/auth/login", big).getResponse().getStatus()).isEqualTo(413);
  }

  @Test
  void protectedRoutesNeedCredentials() throws Exception {
    MvcResult result = mvc.perform(get("/api/v1/users/me")).andReturn();
    assertThat(result.getResponse().getStatus()).isEqualTo(401);
    assertThat(result.getResponse().getContentType()).startsWith("application/problem+json");
{%- if not cookies %}
    assertThat(result.getResponse().getHeader("WWW-Authenticate")).startsWith("Bearer");
    MvcResult forged = mvc.perform(get("/api/v1/users/me").header("Authorization", "Bearer not.a.token")).andReturn();
    assertThat(forged.getResponse().getStatus()).isEqualTo(401);
{%- endif %}
  }

  @Test
  void logoutEndsTheSession() throws Exception {
    Session user = signIn();
    assertThat(as(user, HttpMethod.POST, "/api/v1/auth/logout", null).getResponse().getStatus()).isEqualTo(204);
    assertThat(me(user)).isEqualTo(401);
  }

  @Test
  void changingThePasswordEndsTheOtherSessions() throws Exception {
    Session laptop = signIn();
    Session phone = signIn(laptop.email());
    String next = "a brand new passphrase 42";
    MvcResult wrong =
        as(laptop, HttpMethod.POST, "/api/v1/auth/password",
            Map.of("current_password", "not it at all 123", "new_password", next));
    assertThat(wrong.getResponse().getStatus()).isEqualTo(403);
    MvcResult changed =
        as(laptop, HttpMethod.POST, "/api/v1/auth/password",
            Map.of("current_password", PASSWORD, "new_password", next));
    assertThat(changed.getResponse().getStatus()).isEqualTo(204);
    assertThat(me(phone)).isEqualTo(401);
    assertThat(me(laptop)).isEqualTo(200);
    assertThat(login(laptop.email(), PASSWORD).getResponse().getStatus()).isEqualTo(401);
    assertThat(login(laptop.email(), next).getResponse().getStatus()).isEqualTo(200);
  }
{%- if cookies %}

  @Test
  void unsafeMethodsNeedTheCsrfToken() throws Exception {
    Session user = signIn();
    Session forged = new Session(user.email(), user.cookie(), "not-the-token");
    assertThat(as(forged, HttpMethod.POST, "/api/v1/auth/logout", null).getResponse().getStatus()).isEqualTo(403);
    assertThat(me(user)).isEqualTo(200);
  }

  @Test
  void theSessionCookieIsHttpOnly() throws Exception {
    String email = newEmail();
    register(email, PASSWORD);
    String cookie = login(email, PASSWORD).getResponse().getHeaders("Set-Cookie").stream()
        .filter(c -> c.startsWith("session=")).findFirst().orElseThrow();
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/");
  }
{%- else %}

  @Test
  void refreshRotatesAndAReuseEndsTheFamily() throws Exception {
    Session user = signIn();
    MvcResult first = call(HttpMethod.POST, "/api/v1/auth/refresh", Map.of("refresh_token", user.refreshToken()));
    assertThat(first.getResponse().getStatus()).isEqualTo(200);
    String rotated = body(first).get("refresh_token").asText();
    assertThat(rotated).isNotEqualTo(user.refreshToken());
    MvcResult reused = call(HttpMethod.POST, "/api/v1/auth/refresh", Map.of("refresh_token", user.refreshToken()));
    assertThat(reused.getResponse().getStatus()).isEqualTo(401);
    MvcResult after = call(HttpMethod.POST, "/api/v1/auth/refresh", Map.of("refresh_token", rotated));
    assertThat(after.getResponse().getStatus()).isEqualTo(401);
  }
{%- endif %}

  @Test
  void repeatedFailuresSlowTheAccountDown() throws Exception {
    Session victim = signIn();
    int status = 0;
    for (int i = 0; i < 30 && status != 429; i++) {
      status = login(victim.email(), "guess number 1234").getResponse().getStatus();
    }
    assertThat(status).isEqualTo(429);
    assertThat(signIn()).isNotNull();
  }

  @Test
  void readinessRefusesTrafficDuringAGracefulShutdown() throws Exception {
    AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
    try {
      MvcResult ready = mvc.perform(get("/health/ready")).andReturn();
      assertThat(ready.getResponse().getStatus()).isEqualTo(503);
      assertThat(body(ready).get("status").asText()).isEqualTo("OUT_OF_SERVICE");
      assertThat(mvc.perform(get("/health/live")).andReturn().getResponse().getStatus()).isEqualTo(200);
    } finally {
      AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
    }
    assertThat(mvc.perform(get("/health/ready")).andReturn().getResponse().getStatus()).isEqualTo(200);
  }

  @Test
  void probesAndSecurityHeaders() throws Exception {
    for (String path : new String[] {"/health/live", "/health/ready"}) {
      MvcResult result = mvc.perform(get(path)).andReturn();
      assertThat(result.getResponse().getStatus()).isEqualTo(200);
      assertThat(body(result).get("status").asText()).isEqualTo("UP");
      assertThat(result.getResponse().getContentType()).startsWith("application/json");
      assertThat(result.getResponse().getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(result.getResponse().getHeader("X-Frame-Options")).isEqualTo("DENY");
      assertThat(result.getResponse().getHeader("Content-Security-Policy")).isNotBlank();
    }
    assertThat(mvc.perform(get("/no/such/route")).andReturn().getResponse().getStatus()).isEqualTo(404);
    for (String path : new String[] {"/health", "/health/db", "/health/liveness"}) {
      assertThat(mvc.perform(get(path)).andReturn().getResponse().getStatus()).as(path).isEqualTo(401);
    }
    assertThat(mvc.perform(post("/health/live")).andReturn().getResponse().getHeader("Allow")).contains("GET");
  }
}
