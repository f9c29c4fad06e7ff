package com.example.app.config

import org.springframework.boot.SpringApplication
import org.springframework.boot.env.EnvironmentPostProcessor
import org.springframework.core.env.ConfigurableEnvironment
import org.springframework.core.env.MapPropertySource
import java.net.URI
import java.net.URISyntaxException
import java.net.URLDecoder

/** The JDBC URL scheme of each plain one: MySQL and MariaDB through MariaDB Connector/J (pom.xml). */
private val JDBC_SCHEMES =
    mapOf("postgresql" to "jdbc:postgresql", "postgres" to "jdbc:postgresql", "mysql" to "jdbc:mariadb", "mariadb" to "jdbc:mariadb")

/**
 * DATABASE_URL in its plain form (`postgresql://user:password@host:port/db` or `mysql://...`, as every other
 * tool reads it) becomes Spring's datasource URL, user and password. A URL of another scheme stops the
 * application with one line.
 */
class DatabaseUrl : EnvironmentPostProcessor {
    override fun postProcessEnvironment(
        environment: ConfigurableEnvironment,
        application: SpringApplication,
    ) {
        val url = environment.getProperty("app.database-url")
        if (url.isNullOrBlank() || environment.containsProperty("spring.datasource.url")) return
        environment.propertySources.addFirst(MapPropertySource("databaseUrl", jdbc(url)))
    }

    companion object {
        /** The spring.datasource.* properties of a plain database URL. */
        fun jdbc(url: String): Map<String, Any> {
            val uri =
                try {
                    URI(url)
                } catch (e: URISyntaxException) {
                    throw IllegalArgumentException("DATABASE_URL is not a URL")
                }
            val scheme = JDBC_SCHEMES[uri.scheme]
            require(scheme != null && uri.host != null) {
                "DATABASE_URL must look like postgresql://user:password@host:5432/db or mysql://..."
            }
            val port = if (uri.port > 0) ":${uri.port}" else ""
            val query = uri.rawQuery?.let { "?$it" } ?: ""
            val properties = mutableMapOf<String, Any>("spring.datasource.url" to "$scheme://${uri.host}$port${uri.rawPath}$query")
            if (scheme == "jdbc:mariadb") {
                // Flyway's {vendor} of a jdbc:mariadb URL is `mariadb`: the migration is the mysql one
                properties["spring.flyway.locations"] = "classpath:db/migration/mysql"
            }
            uri.rawUserInfo?.split(":", limit = 2)?.let { parts ->
                properties["spring.datasource.username"] = decode(parts[0])
                if (parts.size == 2) properties["spring.datasource.password"] = decode(parts[1])
            }
            return properties
        }

        private fun decode(text: String): String = URLDecoder.decode(text, Charsets.UTF_8)
    }
}
