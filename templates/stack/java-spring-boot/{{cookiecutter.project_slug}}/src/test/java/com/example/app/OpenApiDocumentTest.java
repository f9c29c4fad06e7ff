package com.example.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The document springdoc-openapi makes from the controllers (GET /v3/api-docs, which ApiTest switches
 * on) agrees with openapi.yaml, the contract: the same operations (method and path), and for each one
 * the same operationId, the same response statuses, and the same request-body members and required
 * members. A route, an operationId, a status or a body member changed in a controller alone fails here.
 *
 * <p>What springdoc cannot read from the code, and so what is compared elsewhere or not at all:
 *
 * <ul>
 *   <li>an update's required members: an update body is merged over the row and then checked as a
 *       whole, with the create payload's constraints, so springdoc lists the create's required members
 *       where the contract's {@code <Entity>Update} has none (its member names are compared);
 *   <li>the probes, which are Actuator's health groups, not controllers (AuthTest calls them);
 *   <li>the members' JSON Schema types and constraints (text bodies carry decimals, dates and UUIDs,
 *       checked by Bean Validation), the query parameters of lists (read as one map), the response
 *       bodies (JSON trees), the security schemes and the descriptions: the conformance suite and
 *       schemathesis test those against the running server.
 * </ul>
 */
class OpenApiDocumentTest extends ApiTest {

  private static final List<String> METHODS = List.of("get", "put", "post", "patch", "delete");

  /** Actuator's health groups (application.yml), which springdoc does not describe; AuthTest probes them. */
  private static final Set<String> PROBES = Set.of("/health/live", "/health/ready");

  @Test
  void springdocsDocumentIsTheContract() throws Exception {
    String body = mvc.perform(get("/v3/api-docs")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
    assertThat(operations(json.readTree(body))).containsExactlyInAnyOrderEntriesOf(operations(contract()));
  }

  private JsonNode contract() throws Exception {
    try (Reader in = Files.newBufferedReader(Path.of("openapi.yaml"))) {
      LoaderOptions options = new LoaderOptions();
      options.setMaxAliasesForCollections(100_000); // the contract reuses its schemas as YAML aliases
      Object document = new Yaml(new SafeConstructor(options)).load(in);
      return json.valueToTree(document);
    }
  }

  /** What both documents must say of each operation, keyed "METHOD path". */
  private static Map<String, Operation> operations(JsonNode document) {
    Map<String, Operation> operations = new TreeMap<>();
    document.get("paths").properties().forEach(path -> METHODS.forEach(method -> {
      JsonNode operation = path.getValue().get(method);
      if (operation != null && !PROBES.contains(path.getKey())) {
        String key = method.toUpperCase() + " " + path.getKey();
        operations.put(key, Operation.of(document, operation, "patch".equals(method)));
      }
    }));
    return operations;
  }

  /** An operation's id, statuses, and request body members (all required members but an update's). */
  record Operation(String operationId, Set<String> statuses, Set<String> members, Set<String> required) {

    static Operation of(JsonNode document, JsonNode operation, boolean update) {
      Set<String> statuses = new TreeSet<>();
      operation.get("responses").fieldNames().forEachRemaining(statuses::add);
      Set<String> members = new TreeSet<>();
      Set<String> required = new TreeSet<>();
      JsonNode content = operation.path("requestBody").path("content");
      if (content.isObject() && !content.isEmpty()) {
        JsonNode schema = resolve(document, content.elements().next().get("schema"));
        schema.path("properties").fieldNames().forEachRemaining(members::add);
        if (!update) {
          schema.path("required").forEach(name -> required.add(name.asText()));
        }
      }
      return new Operation(operation.path("operationId").asText(), statuses, members, required);
    }

    private static JsonNode resolve(JsonNode document, JsonNode schema) {
      JsonNode ref = schema.get("$ref");
      if (ref == null) {
        return schema;
      }
      String name = ref.asText().substring("#/components/schemas/".length());
      return document.get("components").get("schemas").get(name);
    }
  }
}
