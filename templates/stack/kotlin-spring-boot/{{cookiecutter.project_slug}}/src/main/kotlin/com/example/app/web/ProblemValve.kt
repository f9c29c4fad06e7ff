package com.example.app.web

import org.apache.catalina.connector.Request
import org.apache.catalina.connector.Response
import org.apache.catalina.core.StandardHost
import org.apache.catalina.valves.ErrorReportValve
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory
import org.springframework.boot.web.server.WebServerFactoryCustomizer
import org.springframework.context.annotation.Bean
import org.springframework.context.annotation.Configuration
import org.springframework.http.HttpStatus

/**
 * Tomcat's own error pages as problem details: the requests Tomcat refuses before any servlet sees them (a
 * URL with an encoded NUL or backslash: 404) get application/problem+json, not an HTML page.
 */
class ProblemValve : ErrorReportValve() {
    override fun report(
        request: Request,
        response: Response,
        throwable: Throwable?,
    ) {
        if (response.status < 400 || response.contentWritten > 0 || !response.setErrorReported()) return
        // a path Tomcat will not decode (an encoded backslash or NUL) names no resource: 404, as the contract documents
        if (response.status == HttpStatus.BAD_REQUEST.value()) response.status = HttpStatus.NOT_FOUND.value()
        val status = HttpStatus.resolve(response.status) ?: HttpStatus.BAD_REQUEST
        val writer =
            runCatching {
                response.contentType = PROBLEM_JSON
                response.characterEncoding = "UTF-8"
                response.reporter
            }.getOrNull() ?: return
        writer.write(
            """{"type":"about:blank","title":"${status.reasonPhrase}","status":${status.value()},"detail":"the request cannot be served"}""",
        )
        response.finishResponse()
    }
}

@Configuration
@ConditionalOnWebApplication
class TomcatErrors {
    @Bean
    fun problemValve() =
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> { factory ->
            factory.addContextCustomizers({ context ->
                (context.parent as? StandardHost)?.errorReportValveClass =
                    ProblemValve::class.java.name
            })
        }
}
