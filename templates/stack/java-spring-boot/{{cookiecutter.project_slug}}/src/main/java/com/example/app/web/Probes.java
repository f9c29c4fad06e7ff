package com.example.app.web;

import java.util.List;
import org.springframework.boot.actuate.endpoint.web.EndpointMediaTypes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;

/**
 * The contract's probes are Actuator's health groups {@code live} and {@code ready}
 * (application.yml, {@code management.endpoint.health.group}), which the health endpoint serves at
 * /health/live and /health/ready: live is Spring Boot's liveness state; ready is its readiness state
 * (refusing traffic once a graceful shutdown has begun) and the database's health indicator. Either
 * answers 200 with {@code {"status":"UP"}}, or 503 with DOWN or OUT_OF_SERVICE. Add an indicator to
 * the ready group there (a broker, a cache) to keep traffic away until it answers.
 */
@Configuration
public class Probes {

  /** Actuator answers application/json, the contract's media type, not its own vendor type. */
  @Bean
  EndpointMediaTypes endpointMediaTypes() {
    List<String> json = List.of(MediaType.APPLICATION_JSON_VALUE);
    return new EndpointMediaTypes(json, json);
  }
}
