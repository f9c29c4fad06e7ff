{%- set cookies = cookiecutter.auth == "session-cookie" -%}
package com.example.app;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
{%- if cookies %}
import jakarta.servlet.http.Cookie;
{%- endif %}
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * What the tests share: the whole application against DATABASE_URL (Flyway migrates it first), a
 * random SECRET_KEY unless one is set, and users that sign up and in through the API itself.
 */
@SpringBootTest(
    properties = {
      "spring.flyway.enabled=true",
      // springdoc's document of the controllers, which OpenApiDocumentTest compares with openapi.yaml
      "springdoc.api-docs.enabled=true",
      // the tests sign in hundreds of times from one address: the limit has its own test
      "app.auth-rate-limit-per-minute=100000"
    })
@AutoConfigureMockMvc
abstract class ApiTest {

  static final String PASSWORD = "a long test passphrase 42";

  @Autowired MockMvc mvc;
  @Autowired ObjectMapper json;

  @DynamicPropertySource
  static void secret(DynamicPropertyRegistry registry) {
    String given = System.getenv("SECRET_KEY");
    if (given == null || given.isBlank()) {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      registry.add("app.secret-key", () -> HexFormat.of().formatHex(key));
    }
  }

  /** A signed-in user: the credentials every request of theirs carries. */
  record Session(String email, {% if cookies %}String cookie, String csrf{% else %}String accessToken, String refreshToken{% endif %}) {

    MockHttpServletRequestBuilder sign(MockHttpServletRequestBuilder request) {
{%- if cookies %}
      return request.cookie(new Cookie("session", cookie)).header("X-CSRF-Token", csrf);
{%- else %}
      return request.header("Authorization", "Bearer " + accessToken);
{%- endif %}
    }
  }

  static String newEmail() {
    return "user-" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
  }

  MvcResult call(HttpMethod method, String url, Object body) throws Exception {
    MockHttpServletRequestBuilder builder = request(method, url);
    if (body != null) {
      builder.contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsBytes(body));
    }
    return mvc.perform(builder).andReturn();
  }

  MvcResult as(Session user, HttpMethod method, String url, Object body) throws Exception {
    MockHttpServletRequestBuilder builder = user.sign(request(method, url));
    if (body != null) {
      builder.contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsBytes(body));
    }
    return mvc.perform(builder).andReturn();
  }

  JsonNode body(MvcResult result) throws Exception {
    return json.readTree(result.getResponse().getContentAsByteArray());
  }

  MvcResult register(String email, String password) throws Exception {
    return call(HttpMethod.POST, "/api/v1/auth/register", java.util.Map.of("email", email, "password", password));
  }

  MvcResult login(String email, String password) throws Exception {
    return call(HttpMethod.POST, "/api/v1/auth/login", java.util.Map.of("email", email, "password", password));
  }

  Session signIn(String email) throws Exception {
    register(email, PASSWORD);
    MvcResult result = login(email, PASSWORD);
    if (result.getResponse().getStatus() != 200) {
      throw new AssertionError("login failed: " + result.getResponse().getContentAsString());
    }
    JsonNode token = body(result);
{%- if cookies %}
    Cookie session = result.getResponse().getCookie("session");
    return new Session(email, session.getValue(), token.get("csrf_token").asText());
{%- else %}
    return new Session(email, token.get("access_token").asText(), token.get("refresh_token").asText());
{%- endif %}
  }

  Session signIn() throws Exception {
    return signIn(newEmail());
  }

  int me(Session user) throws Exception {
    return mvc.perform(user.sign(get("/api/v1/users/me"))).andReturn().getResponse().getStatus();
  }

  /** POST with a raw body. */
  MvcResult raw(String url, String content) throws Exception {
    return mvc.perform(post(url).contentType(MediaType.APPLICATION_JSON).content(content)).andReturn();
  }
}
