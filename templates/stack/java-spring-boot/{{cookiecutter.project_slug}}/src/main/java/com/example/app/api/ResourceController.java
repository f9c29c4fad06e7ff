package com.example.app.api;

import com.example.app.auth.Current;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The CRUD routes of every entity ({@code list_*}, {@code create_*}, {@code get_*}, {@code
 * update_*}, {@code delete_*} of the contract): /api/v1/{plural}[/{id}], for the plurals of {@link
 * Resources} only.
 */
@RestController
public class ResourceController {

  private static final String COLLECTION = "/api/v1/{plural:" + Resources.PLURALS + "}";
  private static final String ITEM = COLLECTION + "/{id}";

  private final Crud crud;
  private final Resources resources;

  public ResourceController(Crud crud, Resources resources) {
    this.crud = crud;
    this.resources = resources;
  }

  @GetMapping(COLLECTION)
  Map<String, Object> list(
      @PathVariable String plural,
      @RequestParam Map<String, String> query,
      @AuthenticationPrincipal Current current) {
    return crud.list(resources.named(plural), current.user().id, query);
  }

  @PostMapping(COLLECTION)
  ResponseEntity<ObjectNode> create(
      @PathVariable String plural,
      @RequestBody JsonNode body,
      @AuthenticationPrincipal Current current) {
    ObjectNode row = crud.create(resources.named(plural), current.user().id, body);
    URI location = URI.create("/api/v1/" + plural + "/" + row.get("id").asText());
    return ResponseEntity.created(location).body(row);
  }

  @GetMapping(ITEM)
  ObjectNode get(
      @PathVariable String plural, @PathVariable String id, @AuthenticationPrincipal Current current) {
    Resource<?, ?> resource = resources.named(plural);
    return crud.get(resource, current.user().id, resources.id(resource, id));
  }

  @PatchMapping(ITEM)
  ObjectNode update(
      @PathVariable String plural,
      @PathVariable String id,
      @RequestBody JsonNode body,
      @AuthenticationPrincipal Current current) {
    Resource<?, ?> resource = resources.named(plural);
    return crud.update(resource, current.user().id, resources.id(resource, id), body);
  }

  @DeleteMapping(ITEM)
  ResponseEntity<Void> delete(
      @PathVariable String plural, @PathVariable String id, @AuthenticationPrincipal Current current) {
    Resource<?, ?> resource = resources.named(plural);
    crud.delete(resource, current.user().id, resources.id(resource, id));
    return ResponseEntity.noContent().build();
  }
}
