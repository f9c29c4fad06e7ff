{%- import "java.jinja" as j with context -%}
{%- set m = cookiecutter | relational -%}
{%- set csrf = ["403"] if cookiecutter.auth == "session-cookie" else [] -%}
package com.example.app.api;

import com.example.app.auth.Current;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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
 * The CRUD routes of the entities: one handler per operation of the contract ({@code list_*},
 * {@code create_*}, {@code get_*}, {@code update_*}, {@code delete_*}), each naming its operationId,
 * its body's payload class and its response statuses for springdoc (OpenApiDocumentTest compares
 * springdoc's document with openapi.yaml). The bodies are read as JSON trees: {@link Crud} merges
 * them over the defaults or the row, then binds them to the payload class strictly.
 */
@RestController
public class ResourceController {

  private final Crud crud;
  private final Resources resources;

  public ResourceController(Crud crud, Resources resources) {
    this.crud = crud;
    this.resources = resources;
  }
{%- for e in m.entities %}
{%- set item = "/api/v1/" ~ e.plural ~ "/{" ~ e.var ~ "_id}" %}
{%- set body = "@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(schema = @Schema(implementation = Payloads." ~ e.name ~ "Body.class)))" %}

  @Operation(operationId = "list_{{ e.plural_id }}")
{{ j.responses(["200", "401", "422"]) }}
  @GetMapping("/api/v1/{{ e.plural }}")
  Map<String, Object> list{{ e.name }}(
      @RequestParam Map<String, String> query, @AuthenticationPrincipal Current current) {
    return list("{{ e.plural }}", query, current);
  }

  @Operation(operationId = "create_{{ e.var }}")
{{ j.responses(["201", "400", "401"] + csrf + (["404"] if e.has_refs else []) + (["409"] if e.has_unique else []) + ["413", "422"]) }}
  @PostMapping("/api/v1/{{ e.plural }}")
  ResponseEntity<ObjectNode> create{{ e.name }}(
      {{ body }}
          @RequestBody JsonNode body,
      @AuthenticationPrincipal Current current) {
    return create("{{ e.plural }}", body, current);
  }

  @Operation(operationId = "get_{{ e.var }}")
{{ j.responses(["200", "401", "404", "422"]) }}
  @GetMapping("{{ item }}")
  ObjectNode get{{ e.name }}(
      @PathVariable("{{ e.var }}_id") String id, @AuthenticationPrincipal Current current) {
    return get("{{ e.plural }}", id, current);
  }

  @Operation(operationId = "update_{{ e.var }}")
{{ j.responses(["200", "400", "401"] + csrf + ["404"] + (["409"] if e.has_unique else []) + ["413", "422"]) }}
  @PatchMapping("{{ item }}")
  ObjectNode update{{ e.name }}(
      @PathVariable("{{ e.var }}_id") String id,
      {{ body }}
          @RequestBody JsonNode body,
      @AuthenticationPrincipal Current current) {
    return update("{{ e.plural }}", id, body, current);
  }

  @Operation(operationId = "delete_{{ e.var }}")
{{ j.responses(["204", "401"] + csrf + ["404"] + (["409"] if e.restricted else []) + ["422"]) }}
  @DeleteMapping("{{ item }}")
  ResponseEntity<Void> delete{{ e.name }}(
      @PathVariable("{{ e.var }}_id") String id, @AuthenticationPrincipal Current current) {
    return delete("{{ e.plural }}", id, current);
  }
{%- endfor %}

  private Map<String, Object> list(String plural, Map<String, String> query, Current current) {
    return crud.list(resources.named(plural), current.user().id, query);
  }

  private ResponseEntity<ObjectNode> create(String plural, JsonNode body, Current current) {
    ObjectNode row = crud.create(resources.named(plural), current.user().id, body);
    URI location = URI.create("/api/v1/" + plural + "/" + row.get("id").asText());
    return ResponseEntity.created(location).body(row);
  }

  private ObjectNode get(String plural, String id, Current current) {
    Resource<?, ?> resource = resources.named(plural);
    return crud.get(resource, current.user().id, resources.id(resource, id));
  }

  private ObjectNode update(String plural, String id, JsonNode body, Current current) {
    Resource<?, ?> resource = resources.named(plural);
    return crud.update(resource, current.user().id, resources.id(resource, id), body);
  }

  private ResponseEntity<Void> delete(String plural, String id, Current current) {
    Resource<?, ?> resource = resources.named(plural);
    crud.delete(resource, current.user().id, resources.id(resource, id));
    return ResponseEntity.noContent().build();
  }
}
