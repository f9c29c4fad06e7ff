package com.example.app.web

import com.fasterxml.jackson.core.JsonParseException
import com.fasterxml.jackson.core.JsonParser
import com.fasterxml.jackson.core.exc.InputCoercionException
import com.fasterxml.jackson.databind.JsonMappingException
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException
import org.slf4j.LoggerFactory
import org.springframework.dao.DataIntegrityViolationException
import org.springframework.http.HttpHeaders
import org.springframework.http.HttpStatus
import org.springframework.http.MediaType
import org.springframework.http.ProblemDetail
import org.springframework.http.ResponseEntity
import org.springframework.http.converter.HttpMessageNotReadableException
import org.springframework.web.ErrorResponse
import org.springframework.web.bind.annotation.ExceptionHandler
import org.springframework.web.bind.annotation.RestControllerAdvice
import org.hibernate.exception.ConstraintViolationException as HibernateConstraintViolation

/**
 * Every error a controller raises, as RFC 9457 problem details (application/problem+json): the API's own
 * [ApiException]s, Spring MVC's errors (404, 405 + Allow, 415, ...), malformed (400), unreadable (422,
 * located) and oversized (413) bodies, and uniqueness or reference conflicts (409).
 */
@RestControllerAdvice
class Problems {
    private val log = LoggerFactory.getLogger(Problems::class.java)

    @ExceptionHandler(ApiException::class)
    fun api(error: ApiException): ResponseEntity<ProblemDetail> = answer(error)

    @ExceptionHandler(BodyTooLarge::class)
    fun tooLarge(error: BodyTooLarge): ResponseEntity<ProblemDetail> = answer(BodyTooLarge.problem())

    @ExceptionHandler(HttpMessageNotReadableException::class)
    fun unreadable(error: HttpMessageNotReadableException): ResponseEntity<ProblemDetail> = answer(unreadableBody(error))

    @ExceptionHandler(DataIntegrityViolationException::class, HibernateConstraintViolation::class)
    fun conflict(error: Exception): ResponseEntity<ProblemDetail> =
        answer(ApiException(HttpStatus.CONFLICT, "the request conflicts with an existing row (a unique value or a reference)"))

    @ExceptionHandler(Exception::class)
    fun other(error: Exception): ResponseEntity<ProblemDetail> {
        if (error is ErrorResponse) {
            val status = HttpStatus.valueOf(error.statusCode.value())
            val headers = error.headers.toSingleValueMap()
            return answer(ApiException(status, error.body.detail ?: status.reasonPhrase, headers = headers))
        }
        log.error("unexpected error", error)
        return answer(ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "unexpected error"))
    }

    private fun answer(error: ApiException): ResponseEntity<ProblemDetail> {
        val headers = HttpHeaders()
        error.headers.forEach { (name, value) -> headers[name] = value }
        return ResponseEntity
            .status(error.status)
            .headers(headers)
            .contentType(MediaType.APPLICATION_PROBLEM_JSON)
            .body(problem(error.status, error.detail, error.errors))
    }
}

/**
 * What an unreadable body means: too large (413, [BodyTooLarge] raised while reading), not JSON (400), or JSON
 * that does not fit the request type (422 at the member's pointer: a wrong type, a number out of range, an
 * unknown or missing member).
 */
fun unreadableBody(error: Exception): ApiException {
    val causes = generateSequence(error.cause) { it.cause }.toList()
    if (causes.any { it is BodyTooLarge }) return BodyTooLarge.problem()
    val mapping = causes.filterIsInstance<JsonMappingException>().firstOrNull()
    if (mapping != null) return ApiException.invalid(FieldProblem.member(pointerOf(mapping), mappingDetail(mapping)))
    val coercion = causes.filterIsInstance<InputCoercionException>().firstOrNull()
    if (coercion != null) {
        val name = (coercion.processor as? JsonParser)?.parsingContext?.currentName ?: ""
        return ApiException.invalid(FieldProblem.member(name, "number out of range"))
    }
    if (causes.any { it is JsonParseException } || causes.isEmpty()) {
        return ApiException(HttpStatus.BAD_REQUEST, "the request body is not valid JSON")
    }
    return ApiException(HttpStatus.BAD_REQUEST, "the request body cannot be read")
}

/** `name` or `items/0` (the JSON Pointer's path, without `#/`) of the member a mapping error is about. */
fun pointerOf(error: JsonMappingException): String = error.path.joinToString("/") { ref -> ref.fieldName ?: ref.index.toString() }

private fun mappingDetail(error: JsonMappingException): String =
    when {
        error is UnrecognizedPropertyException -> "unknown member"
        error.originalMessage.contains("missing", ignoreCase = true) -> "required"
        error.originalMessage.contains("null", ignoreCase = true) -> "must not be null"
        else -> "wrong type or value"
    }
