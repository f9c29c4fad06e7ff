package com.example.app.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The probes of the contract, from Spring Boot's availability states: live while the application
 * is not broken; ready while it accepts traffic (not during a graceful shutdown) and the database
 * answers (503 otherwise).
 */
@RestController
public class Health {

  private final ApplicationAvailability availability;
  private final DataSource dataSource;

  public Health(ApplicationAvailability availability, DataSource dataSource) {
    this.availability = availability;
    this.dataSource = dataSource;
  }

  @Operation(operationId = "health_live")
  @ApiResponse(responseCode = "200")
  @GetMapping("/health/live")
  ResponseEntity<Map<String, String>> live() {
    return status(availability.getLivenessState() == LivenessState.CORRECT);
  }

  @Operation(operationId = "health_ready")
  @ApiResponse(responseCode = "200")
  @ApiResponse(responseCode = "503")
  @GetMapping("/health/ready")
  ResponseEntity<Map<String, String>> ready() {
    return status(
        availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC && databaseAnswers());
  }

  private boolean databaseAnswers() {
    try (Connection connection = dataSource.getConnection()) {
      return connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  private static ResponseEntity<Map<String, String>> status(boolean up) {
    return ResponseEntity.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
        .contentType(MediaType.APPLICATION_JSON)
        .body(Map.of("status", up ? "ok" : "unavailable"));
  }
}
