package com.example.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.servlet.MvcResult;

/**
 * The CRUD routes of every entity, driven by the model (src/test/resources/model.json: urls,
 * sample and invalid values): create, read, update, delete, ownership, validation, pagination.
 */
class ResourcesTest extends ApiTest {

  static Stream<String> entities() throws Exception {
    List<String> names = new ArrayList<>();
    model().get("entities").forEach(e -> names.add(e.get("name").asText()));
    return names.stream();
  }

  static JsonNode model() throws Exception {
    try (InputStream in = ResourcesTest.class.getResourceAsStream("/model.json")) {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
    }
  }

  private JsonNode entity(String name) throws Exception {
    for (JsonNode e : model().get("entities")) {
      if (e.get("name").asText().equals(name)) {
        return e;
      }
    }
    throw new IllegalArgumentException(name);
  }

  /** A sample value; long texts are stored as {prefix, length}. */
  private JsonNode sample(JsonNode value) {
    if (value.isObject() && value.has("prefix") && value.has("length") && value.size() == 2) {
      String prefix = value.get("prefix").asText();
      return json.getNodeFactory().textNode(prefix + "x".repeat(value.get("length").asInt() - prefix.length()));
    }
    return value;
  }

  /** A valid body (sample {@code i}), its required parents created first. */
  private ObjectNode bodyOf(Session user, String name, int i, Map<String, Integer> next) throws Exception {
    JsonNode entity = entity(name);
    ObjectNode body = json.createObjectNode();
    for (JsonNode field : entity.get("fields")) {
      body.set(field.get("name").asText(), sample(field.get("samples").get(i)));
    }
    for (JsonNode relation : entity.get("many_to_one")) {
      if (relation.get("required").asBoolean()) {
        String target = relation.get("target").asText();
        int index = next.merge(target, 1, Integer::sum) + 3; // samples 4-7 for parents
        body.set(relation.get("column").asText(), create(user, target, index, next).get("id"));
      }
    }
    return body;
  }

  private JsonNode create(Session user, String name, int i, Map<String, Integer> next) throws Exception {
    MvcResult created = as(user, HttpMethod.POST, url(name), bodyOf(user, name, i, next));
    assertThat(created.getResponse().getStatus()).as(created.getResponse().getContentAsString()).isEqualTo(201);
    return body(created);
  }

  private String url(String name) throws Exception {
    return entity(name).get("url").asText();
  }

  @ParameterizedTest
  @MethodSource("entities")
  void createReadUpdateDelete(String name) throws Exception {
    Session user = signIn();
    ObjectNode body = bodyOf(user, name, 0, new HashMap<>());
    MvcResult created = as(user, HttpMethod.POST, url(name), body);
    assertThat(created.getResponse().getStatus()).as(created.getResponse().getContentAsString()).isEqualTo(201);
    JsonNode row = body(created);
    body.properties().forEach(e -> assertThat(row.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue()));
    String item = url(name) + "/" + row.get("id").asText();
    assertThat(created.getResponse().getHeader("Location")).isEqualTo(item);
    assertThat(body(as(user, HttpMethod.GET, item, null))).isEqualTo(row);
    JsonNode field = entity(name).get("fields").get(0);
    ObjectNode change = json.createObjectNode().set(field.get("name").asText(), sample(field.get("changed")));
    MvcResult updated = as(user, HttpMethod.PATCH, item, change);
    assertThat(updated.getResponse().getStatus()).isEqualTo(200);
    assertThat(body(updated).get(field.get("name").asText())).isEqualTo(sample(field.get("changed")));
    assertThat(as(user, HttpMethod.DELETE, item, null).getResponse().getStatus()).isEqualTo(204);
    assertThat(as(user, HttpMethod.GET, item, null).getResponse().getStatus()).isEqualTo(404);
  }

  @ParameterizedTest
  @MethodSource("entities")
  void anotherUsersRowsAre404(String name) throws Exception {
    Session owner = signIn();
    Session other = signIn();
    String item = url(name) + "/" + create(owner, name, 0, new HashMap<>()).get("id").asText();
    assertThat(as(other, HttpMethod.GET, item, null).getResponse().getStatus()).isEqualTo(404);
    assertThat(as(other, HttpMethod.DELETE, item, null).getResponse().getStatus()).isEqualTo(404);
    assertThat(body(as(other, HttpMethod.GET, url(name), null)).get("total").asInt()).isZero();
    assertThat(as(owner, HttpMethod.GET, item, null).getResponse().getStatus()).isEqualTo(200);
  }

  @ParameterizedTest
  @MethodSource("entities")
  void invalidValuesAndUnknownMembersAre422(String name) throws Exception {
    Session user = signIn();
    ObjectNode valid = bodyOf(user, name, 1, new HashMap<>());
    for (JsonNode field : entity(name).get("fields")) {
      for (JsonNode value : field.get("invalid")) {
        ObjectNode body = valid.deepCopy().set(field.get("name").asText(), sample(value));
        MvcResult result = as(user, HttpMethod.POST, url(name), body);
        assertThat(result.getResponse().getStatus()).as(field + " " + value).isEqualTo(422);
        assertThat(body(result).get("errors").get(0).has("pointer")).isTrue();
      }
    }
    ObjectNode unknown = valid.deepCopy().put("no_such_field", 1);
    assertThat(as(user, HttpMethod.POST, url(name), unknown).getResponse().getStatus()).isEqualTo(422);
  }

  @ParameterizedTest
  @MethodSource("entities")
  void listsArePaginatedSortedAndChecked(String name) throws Exception {
    Session user = signIn();
    Map<String, Integer> next = new HashMap<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(create(user, name, i, next).get("id").asText());
    }
    JsonNode page = body(as(user, HttpMethod.GET, url(name) + "?limit=2&offset=0&sort=-id", null));
    assertThat(page.get("total").asInt()).isEqualTo(3);
    assertThat(page.get("items").size()).isEqualTo(2);
    for (String bad : new String[] {"limit=0", "limit=101", "offset=-1", "sort=no_such_field"}) {
      MvcResult refused = as(user, HttpMethod.GET, url(name) + "?" + bad, null);
      assertThat(refused.getResponse().getStatus()).as(bad).isEqualTo(422);
      assertThat(body(refused).get("errors").get(0).has("parameter")).isTrue();
    }
    assertThat(as(user, HttpMethod.GET, url(name) + "/not-an-id", null).getResponse().getStatus()).isEqualTo(422);
  }
}
