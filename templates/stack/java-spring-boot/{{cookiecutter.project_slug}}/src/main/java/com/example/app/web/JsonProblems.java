package com.example.app.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.validation.ConstraintViolation;
import java.util.stream.Collectors;

/** Where in the body a Jackson binding failed, as the contract's JSON Pointer, and why. */
public final class JsonProblems {

  private JsonProblems() {}

  /** The located problem of a failed binding: an unknown member, or a value of the wrong type. */
  public static FieldProblem of(JsonMappingException error) {
    String path =
        error.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
            .collect(Collectors.joining("/"));
    if (path.isEmpty()) {
      return new FieldProblem("#", null, "the body must be a JSON object");
    }
    String detail =
        error instanceof UnrecognizedPropertyException
            ? "unknown member"
            : "has the wrong type or format";
    return FieldProblem.member(path, detail);
  }

  /**
   * The body member a Bean Validation violation is about: the @JsonProperty name of the record
   * component it starts with, then the element indexes ({@code vets_ids/0}).
   */
  public static String member(ConstraintViolation<?> violation) {
    String path = violation.getPropertyPath().toString();
    String first = path.split("[\\[.]", 2)[0];
    String name = snake(first);
    try {
      JsonProperty property =
          violation.getRootBeanClass().getDeclaredField(first).getAnnotation(JsonProperty.class);
      if (property != null) {
        name = property.value();
      }
    } catch (NoSuchFieldException e) {
      // not a record component: its snake_case form
    }
    return name + snake(path.substring(first.length()));
  }

  /** A Java property path ({@code vetsIds[0]}) as the body's member path ({@code vets_ids/0}). */
  public static String snake(String path) {
    return path.replaceAll("([a-z0-9])([A-Z])", "$1_$2")
        .toLowerCase(java.util.Locale.ROOT)
        .replaceAll("\\[(\\d+)]", "/$1")
        .replace('.', '/')
        .replace("<list element>", "")
        .replaceAll("/+$", "");
  }
}
