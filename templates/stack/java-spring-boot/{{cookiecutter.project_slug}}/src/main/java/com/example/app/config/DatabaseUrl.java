package com.example.app.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * DATABASE_URL in its plain form ({@code postgresql://user:password@host:port/db} or {@code
 * mysql://...}, as every other tool reads it) becomes Spring's datasource URL, user and password.
 * A URL of another scheme stops the application with one line.
 */
public class DatabaseUrl implements EnvironmentPostProcessor {

  private static final Map<String, String> JDBC_SCHEMES =
      Map.of(
          "postgresql", "jdbc:postgresql",
          "postgres", "jdbc:postgresql",
          // MariaDB Connector/J (pom.xml) serves MySQL and MariaDB servers alike
          "mysql", "jdbc:mariadb",
          "mariadb", "jdbc:mariadb");

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    String url = environment.getProperty("app.database-url");
    if (url == null || url.isBlank() || environment.containsProperty("spring.datasource.url")) {
      return;
    }
    environment.getPropertySources().addFirst(new MapPropertySource("databaseUrl", jdbc(url)));
  }

  /** The spring.datasource.* properties of a plain database URL. */
  static Map<String, Object> jdbc(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("DATABASE_URL is not a URL");
    }
    String scheme = JDBC_SCHEMES.get(String.valueOf(uri.getScheme()));
    if (scheme == null || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "DATABASE_URL must look like postgresql://user:password@host:5432/db or mysql://...");
    }
    Map<String, Object> properties = new HashMap<>();
    String port = uri.getPort() > 0 ? ":" + uri.getPort() : "";
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    properties.put(
        "spring.datasource.url", scheme + "://" + uri.getHost() + port + uri.getRawPath() + query);
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      String[] parts = userInfo.split(":", 2);
      properties.put("spring.datasource.username", decode(parts[0]));
      if (parts.length == 2) {
        properties.put("spring.datasource.password", decode(parts[1]));
      }
    }
    return properties;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }
}
