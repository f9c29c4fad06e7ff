package com.example.app.web

import io.swagger.v3.oas.annotations.Hidden
import jakarta.servlet.RequestDispatcher
import jakarta.servlet.http.HttpServletRequest
import org.springframework.boot.web.servlet.error.ErrorController
import org.springframework.context.annotation.Bean
import org.springframework.context.annotation.Configuration
import org.springframework.http.HttpStatus
import org.springframework.http.MediaType
import org.springframework.http.ProblemDetail
import org.springframework.http.ResponseEntity
import org.springframework.security.web.firewall.RequestRejectedHandler
import org.springframework.security.web.firewall.StrictHttpFirewall
import org.springframework.web.bind.annotation.RequestMapping
import org.springframework.web.bind.annotation.RestController

/**
 * The errors that never reach a controller, as problem details too: what the servlet container forwards to
 * /error, and the URLs Spring Security's firewall refuses (an encoded NUL, `..`, a backslash, ...: they name
 * no resource, 404). Hidden from springdoc: the container's error page is no operation of the contract.
 */
@Hidden
@RestController
class Errors : ErrorController {
    @RequestMapping("/error")
    fun error(request: HttpServletRequest): ResponseEntity<ProblemDetail> {
        val code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) as? Int ?: 500
        val status = HttpStatus.resolve(code) ?: HttpStatus.INTERNAL_SERVER_ERROR
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem(status, status.reasonPhrase))
    }
}

@Configuration
class Firewall {
    @Bean
    fun requestRejectedHandler(problems: ProblemWriter) =
        RequestRejectedHandler { _, response, _ ->
            problems.write(response, ApiException(HttpStatus.NOT_FOUND, "not found"))
        }

    /**
     * Any method reaches Spring MVC, which answers one a route does not serve with 405 and its Allow header. Query
     * parameters are the application's to check (an unknown one is ignored, a bad value of a known one is a 422):
     * the firewall would refuse a name or value with a control character while the request is already being
     * served, where no handler catches it (a 500).
     */
    @Bean
    fun httpFirewall() =
        StrictHttpFirewall().apply {
            setUnsafeAllowAnyHttpMethod(true)
            setAllowedParameterNames { true }
            setAllowedParameterValues { true }
        }
}
