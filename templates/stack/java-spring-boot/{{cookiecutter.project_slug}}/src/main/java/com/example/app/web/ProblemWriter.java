package com.example.app.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

/** Problem details as the contract writes them, from controllers and from servlet filters alike. */
@Component
public class ProblemWriter {

  public static final String PROBLEM_JSON = "application/problem+json";

  private final ObjectMapper json;

  public ProblemWriter(ObjectMapper json) {
    this.json = json;
  }

  /** type, title, status, detail, and the located errors of a 422. */
  public static ProblemDetail problem(HttpStatus status, String detail, List<FieldProblem> errors) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setTitle(status.getReasonPhrase());
    if (status == HttpStatus.UNPROCESSABLE_ENTITY) {
      problem.setProperty("errors", errors);
    }
    return problem;
  }

  /** Writes the problem of {@code error} as the whole response (for filters). */
  public void write(HttpServletResponse response, ApiException error) throws IOException {
    response.setStatus(error.status().value());
    for (Map.Entry<String, String> header : error.headers().entrySet()) {
      response.setHeader(header.getKey(), header.getValue());
    }
    response.setContentType(PROBLEM_JSON);
    json.writeValue(
        response.getOutputStream(), problem(error.status(), error.getMessage(), error.errors()));
  }
}
