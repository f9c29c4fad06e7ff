package com.example.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.health.HealthEndpointGroups;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * openapi.yaml is the contract: every operation it documents has a controller method, or for the
 * probes an Actuator health group, and the controllers serve no route it does not document (the
 * metrics endpoint and springdoc's aside).
 */
class ContractTest extends ApiTest {

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  @Autowired HealthEndpointGroups healthGroups;

  /** The probes, /health/{group}: served by Actuator's health endpoint, not by a controller. */
  private static final String PROBES = "/health/";

  @SuppressWarnings("unchecked")
  private static List<String[]> operations() throws Exception {
    Map<String, Object> contract;
    try (Reader in = Files.newBufferedReader(Path.of("openapi.yaml"))) {
      LoaderOptions options = new LoaderOptions();
      options.setMaxAliasesForCollections(100_000); // the contract reuses its schemas as YAML aliases
      contract = new Yaml(new SafeConstructor(options)).load(in);
    }
    List<String[]> operations = new ArrayList<>();
    Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) contract.get("paths");
    paths.forEach(
        (path, item) ->
            item.keySet().stream()
                .filter(method -> List.of("get", "post", "patch", "delete", "put").contains(method))
                .forEach(method -> operations.add(new String[] {method.toUpperCase(), path})));
    return operations;
  }

  @Test
  void everyDocumentedOperationHasAHandler() throws Exception {
    for (String[] operation : operations()) {
      if (operation[1].startsWith(PROBES)) {
        String group = operation[1].substring(PROBES.length());
        assertThat(healthGroups.get(group)).as(operation[0] + " " + operation[1]).isNotNull();
        continue;
      }
      String path = operation[1].replaceAll("\\{[a-z_]+\\}", "1");
      MockHttpServletRequest request = new MockHttpServletRequest(operation[0], path);
      assertThat(mappings.getHandler(request)).as(operation[0] + " " + operation[1]).isNotNull();
    }
  }

  @Test
  void everyHandlerIsDocumented() throws Exception {
    long documented = operations().stream().filter(operation -> !operation[1].startsWith(PROBES)).count();
    long handled =
        mappings.getHandlerMethods().entrySet().stream()
            // springdoc's own routes (/v3/api-docs, on in the tests only) are no operation of the app
            .filter(route -> !route.getValue().getBeanType().getPackageName().startsWith("org.springdoc"))
            .map(Map.Entry::getKey)
            .filter(info -> !info.getPatternValues().contains("/error"))
            .mapToLong(info -> info.getMethodsCondition().getMethods().size()
                * info.getPatternValues().stream()
                    .mapToLong(p -> p.contains("{plural:") ? p.substring(p.indexOf(':') + 1, p.indexOf('}')).split("\\|").length : 1)
                    .sum())
            .sum();
    assertThat(handled).isEqualTo(documented);
  }
}
