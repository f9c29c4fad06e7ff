package com.example.app.api

import com.example.app.web.ApiException
import com.example.app.web.FieldProblem
import com.example.app.web.unreadableBody
import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import com.fasterxml.jackson.databind.node.ObjectNode
import jakarta.validation.Validator
import org.springframework.stereotype.Component
import java.util.concurrent.ConcurrentHashMap

/**
 * A request body, read the contract's way: a JSON object (anything else: 422), bound to its payload class
 * (a wrong type, an unknown or a missing member: 422 at its pointer), then checked by Bean Validation (each
 * constraint broken: 422 at its member's pointer). The JSON object's own member names say what a PATCH
 * sets (a member sent as null sets null; an absent one is left alone).
 */
@Component
class Requests(
    private val json: ObjectMapper,
    private val validator: Validator,
) {
    private val names = ConcurrentHashMap<Class<*>, Map<String, String>>()

    fun <T : Any> read(
        body: JsonNode,
        type: Class<T>,
    ): T {
        if (body !is ObjectNode) throw ApiException.invalid(FieldProblem(pointer = "#", detail = "must be a JSON object"))
        val payload =
            try {
                json.treeToValue(body, type)
            } catch (e: Exception) {
                throw unreadableBody(RuntimeException(e))
            }
        val problems =
            validator
                .validate(payload)
                .map { FieldProblem.member(jsonName(type, it.propertyPath.toString()), it.message) }
                .sortedBy { it.pointer }
        if (problems.isNotEmpty()) throw ApiException.invalid(problems)
        return payload
    }

    /** The members a PATCH [body] sets (after [read] accepted it); one of [required] sent as null is a 422. */
    fun settable(
        body: JsonNode,
        required: Set<String>,
    ): Set<String> {
        val members = body.fieldNames().asSequence().toSet()
        val nulls = members.filter { it in required && body[it].isNull }
        if (nulls.isNotEmpty()) throw ApiException.invalid(nulls.sorted().map { FieldProblem.member(it, "must not be null") })
        return members
    }

    /** The JSON member name of a payload property (`startedAt` -> `started_at`). */
    private fun jsonName(
        type: Class<*>,
        property: String,
    ): String {
        val byProperty =
            names.computeIfAbsent(type) {
                val description = json.serializationConfig.introspect(json.constructType(type))
                description.findProperties().associate { it.internalName to it.name }
            }
        return byProperty[property] ?: property
    }
}
