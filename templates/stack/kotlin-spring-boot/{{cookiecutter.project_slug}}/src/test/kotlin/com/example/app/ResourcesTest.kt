package com.example.app

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import com.fasterxml.jackson.databind.node.ObjectNode
import com.fasterxml.jackson.databind.node.TextNode
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.MethodSource
import org.springframework.http.HttpMethod

/** The project's model (src/test/resources/model.json: urls, sample and invalid values, sorts, filters). */
private val MODEL: JsonNode = ResourcesTest::class.java.getResourceAsStream("/model.json")!!.use { ObjectMapper().readTree(it) }

/**
 * The CRUD routes of every entity, driven by the model: create, read, update, delete, ownership, validation,
 * pagination, sorting and filters.
 */
class ResourcesTest : ApiTest() {
    companion object {
        @JvmStatic
        fun entities(): List<String> = MODEL["entities"].map { it["name"].asText() }
    }

    private fun entity(name: String): JsonNode = MODEL["entities"].first { it["name"].asText() == name }

    private fun url(name: String) = entity(name)["url"].asText()

    /** A sample value: long texts are stored as {prefix, length}. */
    private fun sample(value: JsonNode): JsonNode =
        if (value.isObject && value.size() == 2 && value.has("prefix") && value.has("length")) {
            val prefix = value["prefix"].asText()
            TextNode(prefix + "x".repeat(value["length"].asInt() - prefix.length))
        } else {
            value
        }

    /** A valid body (sample [i]), its required parents created first (from samples 4 to 7). */
    private fun bodyOf(
        user: Session,
        name: String,
        i: Int,
        parents: MutableMap<String, Int> = mutableMapOf(),
    ): ObjectNode {
        val body = json.createObjectNode()
        entity(name)["fields"].forEach { body.set<JsonNode>(it["name"].asText(), sample(it["samples"][i])) }
        entity(name)["many_to_one"].filter { it["required"].asBoolean() }.forEach { relation ->
            val target = relation["target"].asText()
            val index = parents.merge(target, 1, Int::plus)!! + 3
            body.set<JsonNode>(relation["column"].asText(), create(user, target, index, parents)["id"])
        }
        return body
    }

    private fun create(
        user: Session,
        name: String,
        i: Int,
        parents: MutableMap<String, Int> = mutableMapOf(),
    ): JsonNode {
        val created = call(HttpMethod.POST, url(name), bodyOf(user, name, i, parents), user)
        assertThat(created.response.status).`as`(created.response.contentAsString).isEqualTo(201)
        return body(created)
    }

    @ParameterizedTest
    @MethodSource("entities")
    fun `create, read, update, delete`(name: String) {
        val user = signIn()
        val body = bodyOf(user, name, 0)
        val created = call(HttpMethod.POST, url(name), body, user)
        assertThat(created.response.status).`as`(created.response.contentAsString).isEqualTo(201)
        val row = body(created)
        body.properties().forEach { (key, value) -> assertThat(row[key]).`as`(key).isEqualTo(value) }
        val item = "${url(name)}/${row["id"].asText()}"
        assertThat(created.response.getHeader("Location")).isEqualTo(item)
        assertThat(body(call(HttpMethod.GET, item, user = user))).isEqualTo(row)
        val field = entity(name)["fields"][0]
        val change = json.createObjectNode().set<JsonNode>(field["name"].asText(), sample(field["changed"]))
        val updated = call(HttpMethod.PATCH, item, change, user)
        assertThat(updated.response.status).isEqualTo(200)
        assertThat(body(updated)[field["name"].asText()]).isEqualTo(sample(field["changed"]))
        assertThat(call(HttpMethod.DELETE, item, user = user).response.status).isEqualTo(204)
        assertThat(call(HttpMethod.GET, item, user = user).response.status).isEqualTo(404)
    }

    @ParameterizedTest
    @MethodSource("entities")
    fun `another user's rows are 404`(name: String) {
        val owner = signIn()
        val other = signIn()
        val item = "${url(name)}/${create(owner, name, 0)["id"].asText()}"
        assertThat(call(HttpMethod.GET, item, user = other).response.status).isEqualTo(404)
        assertThat(call(HttpMethod.DELETE, item, user = other).response.status).isEqualTo(404)
        assertThat(body(call(HttpMethod.GET, url(name), user = other))["total"].asInt()).isZero()
        assertThat(call(HttpMethod.GET, item, user = owner).response.status).isEqualTo(200)
    }

    @ParameterizedTest
    @MethodSource("entities")
    fun `invalid values and unknown members are 422 at their pointer`(name: String) {
        val user = signIn()
        val valid = bodyOf(user, name, 1)
        entity(name)["fields"].forEach { field ->
            field["invalid"].forEach { value ->
                val body = valid.deepCopy().set<JsonNode>(field["name"].asText(), sample(value))
                val result = call(HttpMethod.POST, url(name), body, user)
                assertThat(result.response.status).`as`("$field $value").isEqualTo(422)
                assertThat(body(result)["errors"].map { it["pointer"]?.asText() }).contains("#/${field["name"].asText()}")
            }
        }
        val unknown = valid.deepCopy().put("no_such_field", 1)
        assertThat(call(HttpMethod.POST, url(name), unknown, user).response.status).isEqualTo(422)
    }

    @ParameterizedTest
    @MethodSource("entities")
    fun `lists are paginated, sorted, filtered and checked`(name: String) {
        val user = signIn()
        val parents = mutableMapOf<String, Int>()
        val rows = (0..2).map { create(user, name, it, parents) }
        val ids = rows.map { it["id"].asText() }
        val page = body(call(HttpMethod.GET, "${url(name)}?limit=2&offset=0&sort=-id", user = user))
        assertThat(page["total"].asInt()).isEqualTo(3)
        assertThat(page["items"].map { it["id"].asText() }).isEqualTo(ids.reversed().take(2))
        entity(name)["sorts"].forEach { sort ->
            assertThat(call(HttpMethod.GET, "${url(name)}?sort=${sort.asText()}", user = user).response.status).isEqualTo(200)
        }
        val fields = entity(name)["fields"].associateBy { it["name"].asText() }
        entity(name)["filters"].map { it.asText() }.filter { it in fields }.forEach { key ->
            val value = rows[0][key].let { if (it.isTextual) it.asText() else it.toString() }
            val found = body(call(HttpMethod.GET, url(name), user = user, query = mapOf(key to value)))["items"]
            assertThat(found.map { it["id"].asText() }).`as`(key).contains(ids[0])
            assertThat(found.map { it[key] }).`as`(key).containsOnly(rows[0][key])
        }
        listOf("limit=0", "limit=101", "offset=-1", "limit=x", "sort=no_such_field").forEach { bad ->
            val refused = call(HttpMethod.GET, "${url(name)}?$bad", user = user)
            assertThat(refused.response.status).`as`(bad).isEqualTo(422)
            assertThat(body(refused)["errors"][0].has("parameter")).isTrue()
        }
        assertThat(call(HttpMethod.GET, "${url(name)}/not-an-id", user = user).response.status).isEqualTo(422)
    }
}
