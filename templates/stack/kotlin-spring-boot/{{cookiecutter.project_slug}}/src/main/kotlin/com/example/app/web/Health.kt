package com.example.app.web

import io.swagger.v3.oas.annotations.Operation
import io.swagger.v3.oas.annotations.responses.ApiResponse
import org.springframework.boot.availability.ApplicationAvailability
import org.springframework.boot.availability.ReadinessState
import org.springframework.http.MediaType
import org.springframework.http.ResponseEntity
import org.springframework.web.bind.annotation.GetMapping
import org.springframework.web.bind.annotation.RestController
import javax.sql.DataSource

/**
 * Liveness (the process answers) and readiness (503 while the database does not answer, or once a graceful
 * shutdown has begun: Spring Boot then refuses traffic).
 */
@RestController
class Health(
    private val dataSource: DataSource,
    private val availability: ApplicationAvailability,
) {
    data class Status(
        val status: String,
    )

    @Operation(operationId = "health_live")
    @ApiResponse(responseCode = "200")
    @GetMapping("/health/live", produces = [MediaType.APPLICATION_JSON_VALUE])
    fun live() = Status("ok")

    @Operation(operationId = "health_ready")
    @ApiResponse(responseCode = "200")
    @ApiResponse(responseCode = "503")
    @GetMapping("/health/ready", produces = [MediaType.APPLICATION_JSON_VALUE])
    fun ready(): ResponseEntity<Status> {
        val accepting = availability.readinessState == ReadinessState.ACCEPTING_TRAFFIC
        val up = accepting && runCatching { dataSource.connection.use { it.isValid(2) } }.getOrDefault(false)
        return if (up) ResponseEntity.ok(Status("ok")) else ResponseEntity.status(503).body(Status("unavailable"))
    }
}
