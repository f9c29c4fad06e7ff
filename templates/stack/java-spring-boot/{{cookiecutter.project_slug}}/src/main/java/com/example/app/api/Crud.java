package com.example.app.api;

import com.example.app.web.ApiException;
import com.example.app.web.FieldProblem;
import com.example.app.web.JsonProblems;
import com.example.app.web.Problems;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The CRUD logic of every entity, through JPA (Hibernate): every row belongs to the user who
 * created it, and anyone else gets 404. Lists take limit (1-100), offset, sort=field|-field (ties
 * broken by id) and equality filters. A body is the contract's JSON: it is merged over the
 * defaults (create) or over the row (update), bound strictly (unknown members and wrong types are
 * 422) and checked by Bean Validation.
 */
@Repository
public class Crud {

  private static final int MAX_OFFSET = Integer.MAX_VALUE;

  private final EntityManager entities;
  private final ObjectMapper json;
  private final Validator validator;

  public Crud(EntityManager entities, ObjectMapper json, Validator validator) {
    this.entities = entities;
    this.json = json;
    this.validator = validator;
  }

  @Transactional(readOnly = true)
  public <R extends Row> Map<String, Object> list(
      Resource<R, ?> resource, Integer owner, Map<String, String> query) {
    int limit = query.containsKey("limit") ? Values.intParameter("limit", query.get("limit"), 1, 100) : 20;
    int offset =
        query.containsKey("offset") ? Values.intParameter("offset", query.get("offset"), 0, MAX_OFFSET) : 0;
    String sort = query.getOrDefault("sort", "id");
    String attribute = resource.sorts().get(sort.startsWith("-") ? sort.substring(1) : sort);
    if (attribute == null) {
      throw Values.badParameter("sort", "must be one of the documented sort fields");
    }
    Map<String, Object> equal = new LinkedHashMap<>();
    resource
        .filters()
        .forEach(
            (name, filter) -> {
              if (query.containsKey(name)) {
                equal.put(filter.attribute(), filter.parse().apply(query.get(name)));
              }
            });
    CriteriaBuilder cb = entities.getCriteriaBuilder();
    CriteriaQuery<R> select = cb.createQuery(resource.rowClass());
    Root<R> root = select.from(resource.rowClass());
    select.where(where(cb, root, owner, equal));
    boolean down = sort.startsWith("-");
    select.orderBy(
        down ? cb.desc(root.get(attribute)) : cb.asc(root.get(attribute)),
        down ? cb.desc(root.get("id")) : cb.asc(root.get("id")));
    List<ObjectNode> items =
        entities.createQuery(select).setFirstResult(offset).setMaxResults(limit).getResultList().stream()
            .map(resource.read())
            .toList();
    CriteriaQuery<Long> count = cb.createQuery(Long.class);
    Root<R> counted = count.from(resource.rowClass());
    count.select(cb.count(counted)).where(where(cb, counted, owner, equal));
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("items", items);
    page.put("total", entities.createQuery(count).getSingleResult());
    page.put("limit", limit);
    page.put("offset", offset);
    return page;
  }

  @Transactional(readOnly = true)
  public <R extends Row> ObjectNode get(Resource<R, ?> resource, Integer owner, Object id) {
    return resource.read().apply(owned(resource, owner, id));
  }

  @Transactional
  public <R extends Row, P> ObjectNode create(Resource<R, P> resource, Integer owner, JsonNode body) {
    P payload = bind(resource, resource.defaults().get(), body);
    checkReferences(resource, owner, payload);
    R row = resource.newRow().get();
    resource.apply().accept(payload, row);
    row.own(owner);
    row.touch(com.example.app.domain.Times.now(), true);
    entities.persist(row);
    entities.flush();
    // what the database kept (a driver may round a timestamp): what a later read gives
    entities.refresh(row);
    return resource.read().apply(row);
  }

  @Transactional
  public <R extends Row, P> ObjectNode update(
      Resource<R, P> resource, Integer owner, Object id, JsonNode body) {
    R row = owned(resource, owner, id);
    ObjectNode current = resource.read().apply(row);
    current.remove(List.of("id", "created_at", "updated_at"));
    P payload = bind(resource, current, body);
    checkReferences(resource, owner, payload);
    resource.apply().accept(payload, row);
    row.touch(com.example.app.domain.Times.now(), false);
    entities.flush();
    entities.refresh(row);
    return resource.read().apply(row);
  }

  @Transactional
  public <R extends Row> void delete(Resource<R, ?> resource, Integer owner, Object id) {
    entities.remove(owned(resource, owner, id));
    entities.flush();
  }

  private <R extends Row> R owned(Resource<R, ?> resource, Integer owner, Object id) {
    CriteriaBuilder cb = entities.getCriteriaBuilder();
    CriteriaQuery<R> select = cb.createQuery(resource.rowClass());
    Root<R> root = select.from(resource.rowClass());
    select.where(cb.equal(root.get("id"), id), cb.equal(root.get("ownerId"), owner));
    return entities.createQuery(select).getResultStream().findFirst().orElseThrow(ApiException::notFound);
  }

  private static <R> Predicate[] where(
      CriteriaBuilder cb, Root<R> root, Integer owner, Map<String, Object> equal) {
    List<Predicate> predicates = new ArrayList<>();
    predicates.add(cb.equal(root.get("ownerId"), owner));
    equal.forEach((attribute, value) -> predicates.add(cb.equal(root.get(attribute), value)));
    return predicates.toArray(Predicate[]::new);
  }

  /** {@code body} (a JSON object) over {@code base}, bound to the payload class and validated. */
  private <P> P bind(Resource<?, P> resource, ObjectNode base, JsonNode body) {
    if (!(body instanceof ObjectNode members)) {
      throw ApiException.invalid(new FieldProblem("#", null, "the body must be a JSON object"));
    }
    ObjectNode merged = base.deepCopy();
    merged.setAll(members);
    P payload;
    try {
      payload = json.treeToValue(merged, resource.payloadClass());
    } catch (JsonMappingException e) {
      throw ApiException.invalid(JsonProblems.of(e));
    } catch (JsonProcessingException e) {
      throw ApiException.invalid(new FieldProblem("#", null, "the body has a value out of range"));
    }
    Set<ConstraintViolation<P>> violations = validator.validate(payload);
    if (!violations.isEmpty()) {
      throw Problems.invalid(violations);
    }
    return payload;
  }

  /** Every row the payload references exists and is the user's: 404 otherwise. */
  private <P> void checkReferences(Resource<?, P> resource, Integer owner, P payload) {
    for (Resource.Reference<P> reference : resource.references()) {
      Collection<?> ids = new HashSet<>(reference.ids().apply(payload));
      ids.remove(null);
      if (ids.isEmpty()) {
        continue;
      }
      CriteriaBuilder cb = entities.getCriteriaBuilder();
      CriteriaQuery<Long> count = cb.createQuery(Long.class);
      Root<? extends Row> root = count.from(reference.target());
      count
          .select(cb.count(root))
          .where(root.get("id").in(ids), cb.equal(root.get("ownerId"), owner));
      if (entities.createQuery(count).getSingleResult() != ids.size()) {
        throw new ApiException(org.springframework.http.HttpStatus.NOT_FOUND, "a referenced row does not exist");
      }
    }
  }
}
