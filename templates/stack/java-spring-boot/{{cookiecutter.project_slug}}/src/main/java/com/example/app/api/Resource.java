package com.example.app.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One entity of the model as the CRUD logic ({@link Crud}) needs it: its URL, row and payload
 * classes, how a payload fills a row and how a row reads as JSON, and what one may sort and filter
 * on. {@link Resources} defines one per entity.
 *
 * @param <R> the JPA entity
 * @param <P> the validated request body (create, and update merged over the row)
 */
public record Resource<R extends Row, P>(
    String plural,
    String idParameter,
    Class<R> rowClass,
    Class<P> payloadClass,
    Supplier<R> newRow,
    Supplier<ObjectNode> defaults,
    BiConsumer<P, R> apply,
    Function<R, ObjectNode> read,
    Map<String, String> sorts,
    Map<String, Filter> filters,
    List<Reference<P>> references) {

  /** A query parameter that filters by equality on {@code attribute}, its text parsed by {@code parse}. */
  public record Filter(String attribute, Function<String, Object> parse) {}

  /**
   * Rows a payload names in another entity ({@code target}): a many-to-one id or many-to-many ids,
   * which must exist and belong to the same user (404 otherwise).
   */
  public record Reference<P>(Class<? extends Row> target, Function<P, Collection<?>> ids) {}
}
