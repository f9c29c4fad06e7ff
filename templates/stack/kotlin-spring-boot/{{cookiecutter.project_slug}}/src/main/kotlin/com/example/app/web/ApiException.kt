package com.example.app.web

import com.fasterxml.jackson.annotation.JsonInclude
import org.springframework.http.HttpStatus

/**
 * One item of a 422's `errors`: where the problem is (a JSON Pointer into the body, or a query or path
 * parameter) and what is wrong, never the value itself.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
data class FieldProblem(
    val pointer: String? = null,
    val parameter: String? = null,
    val detail: String,
) {
    companion object {
        /** A problem of the body member at [path] (`name` or `items/0`). */
        fun member(
            path: String,
            detail: String,
        ) = FieldProblem(pointer = "#/$path", detail = detail)

        /** A problem of a query or path parameter. */
        fun parameter(
            name: String,
            detail: String,
        ) = FieldProblem(parameter = name, detail = detail)
    }
}

/**
 * An error the API answers with as RFC 9457 problem details: its status, a short detail, for a 422 the
 * located problems, and headers (Retry-After, WWW-Authenticate).
 */
class ApiException(
    val status: HttpStatus,
    detail: String,
    val errors: List<FieldProblem> = emptyList(),
    val headers: Map<String, String> = emptyMap(),
) : RuntimeException(detail) {
    val detail: String get() = message ?: status.reasonPhrase

    companion object {
        /** 422 with one located problem. */
        fun invalid(problem: FieldProblem) = invalid(listOf(problem))

        /** 422 with these located problems. */
        fun invalid(problems: List<FieldProblem>) = ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "the request is not valid", problems)

        fun notFound() = ApiException(HttpStatus.NOT_FOUND, "not found")
    }
}
