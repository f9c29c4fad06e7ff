package com.example.app.web;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * An error the API answers with as RFC 9457 problem details: its status, a short detail, for a 422
 * the located problems, and headers (Retry-After, WWW-Authenticate).
 */
public class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final HttpStatus status;
  private final transient List<FieldProblem> errors;
  private final transient Map<String, String> headers;

  public ApiException(HttpStatus status, String detail) {
    this(status, detail, List.of(), Map.of());
  }

  public ApiException(
      HttpStatus status, String detail, List<FieldProblem> errors, Map<String, String> headers) {
    super(detail);
    this.status = status;
    this.errors = List.copyOf(errors);
    this.headers = Map.copyOf(headers);
  }

  /** 422 with one located problem. */
  public static ApiException invalid(FieldProblem problem) {
    return new ApiException(
        HttpStatus.UNPROCESSABLE_ENTITY, "the request is not valid", List.of(problem), Map.of());
  }

  public static ApiException notFound() {
    return new ApiException(HttpStatus.NOT_FOUND, "not found");
  }

  public HttpStatus status() {
    return status;
  }

  public List<FieldProblem> errors() {
    return errors;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
