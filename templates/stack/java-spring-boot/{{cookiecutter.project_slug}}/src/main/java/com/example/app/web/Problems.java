package com.example.app.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import jakarta.validation.ConstraintViolation;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.lang.Nullable;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as RFC 9457 problem details ({@code application/problem+json}): Spring MVC's own
 * (404, 405 with Allow, ...), the API's ({@link ApiException}), the body's (400 malformed JSON, 413
 * too large, 422 with one located item per problem) and the database's (409 for a unique value
 * taken or a row still referenced). The submitted values are never echoed.
 */
@RestControllerAdvice
public class Problems extends ResponseEntityExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  @ExceptionHandler(ApiException.class)
  ResponseEntity<Object> api(ApiException error) {
    HttpHeaders headers = new HttpHeaders();
    error.headers().forEach(headers::set);
    return respond(error.status(), error.getMessage(), error.errors(), headers);
  }

  @ExceptionHandler(DataIntegrityViolationException.class)
  ResponseEntity<Object> conflict(DataIntegrityViolationException error) {
    return respond(
        HttpStatus.CONFLICT,
        "conflict: a unique value is taken, or the row is still referenced",
        List.of(),
        new HttpHeaders());
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> unexpected(Exception error) {
    LOG.error("unhandled error", error);
    return respond(
        HttpStatus.INTERNAL_SERVER_ERROR, "internal server error", List.of(), new HttpHeaders());
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException error,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    if (BodyLimit.tooLarge(error)) {
      return respond(
          HttpStatus.PAYLOAD_TOO_LARGE, "the request body is too large", List.of(), headers);
    }
    Throwable cause = error.getCause();
    if (cause instanceof JsonMappingException mapping && !(cause instanceof JsonParseException)) {
      return respond(
          HttpStatus.UNPROCESSABLE_ENTITY,
          "the request is not valid",
          List.of(JsonProblems.of(mapping)),
          headers);
    }
    return respond(HttpStatus.BAD_REQUEST, "the request body is not valid JSON", List.of(), headers);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(
      HttpMediaTypeNotSupportedException error,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    return respond(
        HttpStatus.BAD_REQUEST, "the request body must be application/json", List.of(), headers);
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException error,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldProblem> problems =
        error.getBindingResult().getFieldErrors().stream()
            .map(
                e ->
                    FieldProblem.member(
                        JsonProblems.snake(e.getField()), String.valueOf(e.getDefaultMessage())))
            .toList();
    return respond(HttpStatus.UNPROCESSABLE_ENTITY, "the request is not valid", problems, headers);
  }

  /** Spring MVC's own problems (404, 405, ...) keep their status and get the contract's title. */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception error,
      @Nullable Object body,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    HttpStatus known = HttpStatus.valueOf(status.value());
    String detail =
        body instanceof ProblemDetail problem && problem.getDetail() != null
            ? problem.getDetail()
            : known.getReasonPhrase();
    return respond(known, detail, List.of(), headers);
  }

  /** The problems of a Bean Validation run over a request body. */
  public static <T> ApiException invalid(Set<ConstraintViolation<T>> violations) {
    List<FieldProblem> problems =
        violations.stream()
            .map(v -> FieldProblem.member(JsonProblems.member(v), v.getMessage()))
            .collect(Collectors.toList());
    return new ApiException(
        HttpStatus.UNPROCESSABLE_ENTITY, "the request is not valid", problems, java.util.Map.of());
  }

  private static ResponseEntity<Object> respond(
      HttpStatus status, String detail, List<FieldProblem> errors, HttpHeaders headers) {
    HttpHeaders out = new HttpHeaders();
    out.putAll(headers);
    out.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    return new ResponseEntity<>(ProblemWriter.problem(status, detail, errors), out, status);
  }
}
