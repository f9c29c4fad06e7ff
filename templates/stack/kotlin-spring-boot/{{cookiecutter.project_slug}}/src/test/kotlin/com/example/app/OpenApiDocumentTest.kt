package com.example.app

import com.fasterxml.jackson.databind.JsonNode
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.springframework.http.HttpMethod
import org.yaml.snakeyaml.LoaderOptions
import org.yaml.snakeyaml.Yaml
import org.yaml.snakeyaml.constructor.SafeConstructor
import java.nio.file.Files
import java.nio.file.Path

/**
 * The document springdoc-openapi makes from the controllers (GET /v3/api-docs, which ApiTest switches on)
 * agrees with openapi.yaml, the contract: the same operations (method and path), and for each one the same
 * operationId, the same response statuses, and the same request-body members and required members. A route,
 * an operationId, a status or a body member changed in a controller alone fails here.
 *
 * What springdoc cannot read from the code, and so what is compared elsewhere: the members' JSON Schema types
 * and constraints (text bodies carry decimals, dates and UUIDs, checked by Bean Validation), the query
 * parameters of lists (read as one map), the response bodies, the security schemes and the descriptions; the
 * conformance suite and schemathesis test those against the running server. The probes are Actuator's health
 * groups, not controllers, so springdoc does not describe them; PlatformTest calls them.
 */
class OpenApiDocumentTest : ApiTest() {
    /** What both documents must say of one operation. */
    data class Operation(
        val operationId: String,
        val statuses: Set<String>,
        val members: Set<String>,
        val required: Set<String>,
    )

    @Test
    fun `springdoc's document is the contract`() {
        val served = json.readTree(call(HttpMethod.GET, "/v3/api-docs").response.contentAsString)
        assertThat(operations(served)).containsExactlyInAnyOrderEntriesOf(operations(contract()))
    }

    private fun contract(): JsonNode {
        // the contract reuses its schemas as YAML aliases
        val options = LoaderOptions().apply { maxAliasesForCollections = 100_000 }
        val document = Files.newBufferedReader(Path.of("openapi.yaml")).use { Yaml(SafeConstructor(options)).load<Any>(it) }
        return json.valueToTree(document)
    }

    /** Each operation of a document, keyed "METHOD path". */
    private fun operations(document: JsonNode): Map<String, Operation> =
        document["paths"]
            .properties()
            .filterNot { (path, _) -> path in PROBES }
            .flatMap { (path, item) ->
                METHODS.mapNotNull { method -> item[method]?.let { "${method.uppercase()} $path" to operation(document, it) } }
            }.toMap()

    private fun operation(
        document: JsonNode,
        operation: JsonNode,
    ): Operation {
        val schema =
            operation
                .path("requestBody")
                .path("content")
                .firstOrNull()
                ?.get("schema")
                ?.let { resolve(document, it) } ?: json.createObjectNode()
        return Operation(
            operationId = operation.path("operationId").asText(),
            statuses = operation["responses"].fieldNames().asSequence().toSortedSet(),
            members =
                schema
                    .path("properties")
                    .fieldNames()
                    .asSequence()
                    .toSortedSet(),
            required = schema.path("required").map { it.asText() }.toSortedSet(),
        )
    }

    private fun resolve(
        document: JsonNode,
        schema: JsonNode,
    ): JsonNode {
        val ref = schema["\$ref"]?.asText() ?: return schema
        return document["components"]["schemas"][ref.removePrefix("#/components/schemas/")]
    }

    private companion object {
        val METHODS = listOf("get", "put", "post", "patch", "delete")

        /** Actuator's health groups (application.yml), which springdoc does not describe. */
        val PROBES = setOf("/health/live", "/health/ready")
    }
}
