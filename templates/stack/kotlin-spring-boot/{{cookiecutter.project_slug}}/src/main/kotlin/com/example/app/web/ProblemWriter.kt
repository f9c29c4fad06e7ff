package com.example.app.web

import com.fasterxml.jackson.databind.ObjectMapper
import jakarta.servlet.http.HttpServletResponse
import org.springframework.http.HttpStatus
import org.springframework.http.ProblemDetail
import org.springframework.stereotype.Component

const val PROBLEM_JSON = "application/problem+json"

/** The RFC 9110 names of the statuses whose older reason phrases Spring still uses. */
private val TITLES =
    mapOf(
        HttpStatus.UNPROCESSABLE_ENTITY to "Unprocessable Content",
        HttpStatus.PAYLOAD_TOO_LARGE to "Content Too Large",
    )

/** type, title, status, detail, and the located errors of a 422. */
fun problem(
    status: HttpStatus,
    detail: String,
    errors: List<FieldProblem> = emptyList(),
): ProblemDetail =
    ProblemDetail.forStatusAndDetail(status, detail).apply {
        title = TITLES[status] ?: status.reasonPhrase
        if (status == HttpStatus.UNPROCESSABLE_ENTITY) setProperty("errors", errors)
    }

/** Problem details as the contract writes them, from servlet filters (controllers go through [Problems]). */
@Component
class ProblemWriter(
    private val json: ObjectMapper,
) {
    /** Writes the problem of [error] as the whole response. */
    fun write(
        response: HttpServletResponse,
        error: ApiException,
    ) {
        response.status = error.status.value()
        error.headers.forEach { (name, value) -> response.setHeader(name, value) }
        response.contentType = PROBLEM_JSON
        json.writeValue(response.outputStream, problem(error.status, error.detail, error.errors))
    }
}
