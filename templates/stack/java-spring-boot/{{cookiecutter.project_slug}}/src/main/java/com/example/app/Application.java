package com.example.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * {{ cookiecutter.project_name | one_line }}. {@code java -jar app.jar} serves the API; {@code migrate}
 * applies the Flyway migrations and exits; {@code healthcheck URL} (the container's HEALTHCHECK: the
 * runtime image has no curl) exits 0 when URL answers 200, without starting Spring.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class Application {

  /** Starts the server, or runs one of the commands above. */
  public static void main(String[] args) {
    if (args.length == 2 && "healthcheck".equals(args[0])) {
      System.exit(healthy(args[1]) ? 0 : 1);
    }
    SpringApplication application = new SpringApplication(Application.class);
    if (args.length == 1 && "migrate".equals(args[0])) {
      application.setWebApplicationType(WebApplicationType.NONE);
      // as command-line arguments, over application.yml; lazy: only Flyway (which Spring Boot always
      // starts eagerly) and what it needs are created
      System.exit(
          SpringApplication.exit(
              application.run(
                  "--spring.flyway.enabled=true", "--spring.main.lazy-initialization=true")));
    }
    application.run(args);
  }

  private static boolean healthy(String url) {
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build();
      return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
