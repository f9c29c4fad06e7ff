package com.example.app

import org.springframework.boot.SpringApplication
import org.springframework.boot.WebApplicationType
import org.springframework.boot.autoconfigure.SpringBootApplication
import org.springframework.boot.context.properties.ConfigurationPropertiesScan
import java.io.IOException
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import kotlin.system.exitProcess

/**
 * {{ cookiecutter.project_name | one_line }}. `java -jar app.jar` serves the API; `migrate` applies the
 * Flyway migrations and exits; `healthcheck URL` (the container's HEALTHCHECK: the runtime image has no
 * curl) exits 0 when URL answers 200, without starting Spring.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
class Application

fun main(args: Array<String>) {
    if (args.size == 2 && args[0] == "healthcheck") {
        exitProcess(if (healthy(args[1])) 0 else 1)
    }
    val application = SpringApplication(Application::class.java)
    if (args.size == 1 && args[0] == "migrate") {
        application.webApplicationType = WebApplicationType.NONE
        // a command-line property: application.yml's `spring.flyway.enabled: false` would win over a default one
        exitProcess(SpringApplication.exit(application.run("--spring.flyway.enabled=true")))
    }
    application.run(*args)
}

private fun healthy(url: String): Boolean =
    try {
        val client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
        val request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build()
        client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200
    } catch (e: IOException) {
        false
    } catch (e: InterruptedException) {
        Thread.currentThread().interrupt()
        false
    }
