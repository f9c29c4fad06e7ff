package com.example.app.web

import org.springframework.http.MediaType
import org.springframework.http.ResponseEntity
import org.springframework.web.bind.annotation.GetMapping
import org.springframework.web.bind.annotation.RestController
import javax.sql.DataSource

/** Liveness (the process answers) and readiness (the database answers too: 503 when it does not). */
@RestController
class Health(
    private val dataSource: DataSource,
) {
    data class Status(
        val status: String,
    )

    @GetMapping("/health/live", produces = [MediaType.APPLICATION_JSON_VALUE])
    fun live() = Status("ok")

    @GetMapping("/health/ready", produces = [MediaType.APPLICATION_JSON_VALUE])
    fun ready(): ResponseEntity<Status> {
        val up = runCatching { dataSource.connection.use { it.isValid(2) } }.getOrDefault(false)
        return if (up) ResponseEntity.ok(Status("ok")) else ResponseEntity.status(503).body(Status("unavailable"))
    }
}
