package com.example.app.web;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One item of a 422's {@code errors}: where the problem is (a JSON Pointer into the body, or a query
 * or path parameter) and what is wrong, never the value itself.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldProblem(String pointer, String parameter, String detail) {

  /** A problem of the body member at {@code path} ({@code name} or {@code items/0}). */
  public static FieldProblem member(String path, String detail) {
    return new FieldProblem("#/" + path, null, detail);
  }

  /** A problem of a query or path parameter. */
  public static FieldProblem parameter(String name, String detail) {
    return new FieldProblem(null, name, detail);
  }
}
