{%- import "kotlin.jinja" as k with context -%}
{%- set csrf = ["403"] if cookiecutter.auth == "session-cookie" else [] -%}
{%- set m = cookiecutter | relational -%}
{%- set uuid_ids = m.id_kind == "uuid" -%}
{%- macro camel(name) %}{{ name.split("_")[0] }}{% for part in name.split("_")[1:] %}{{ part | capitalize }}{% endfor %}{% endmacro -%}
{%- set kotlin_keywords = ["as", "break", "class", "continue", "do", "else", "false", "for", "fun", "if", "in", "interface", "is", "null", "object", "package", "return", "super", "this", "throw", "true", "try", "typealias", "typeof", "val", "var", "when", "while"] -%}
{%- macro ident(name) %}{% set c = camel(name) | string %}{% if c in kotlin_keywords %}`{{ c }}`{% else %}{{ c }}{% endif %}{% endmacro -%}
{%- macro toentity(f, value) %}{% if f.type == "decimal" %}{{ value }}?.let { BigDecimal(it).setScale({{ f.scale }}) }{% elif f.type == "uuid" %}{{ value }}?.let(UUID::fromString){% elif f.type == "date" %}{{ value }}?.let(::parseDate){% elif f.type == "datetime" %}{{ value }}?.let { parseDateTime(it).truncatedTo(ChronoUnit.MICROS) }{% elif f.type == "json" %}{{ value }}?.takeUnless { it.isNull }{% else %}{{ value }}{% endif %}{% endmacro -%}
{%- macro toread(f, value) %}{% if f.type == "decimal" %}{{ value }}?.toPlainString(){% elif f.type in ("uuid", "date", "datetime") %}{{ value }}?.toString(){% else %}{{ value }}{% endif %}{% endmacro -%}
{%- macro idin(value) %}{% if uuid_ids %}{{ value }}?.let(UUID::fromString){% else %}{{ value }}{% endif %}{% endmacro -%}
{%- macro filter(flt) %}
{%- set f = flt.field %}
{%- if flt.kind == "id" %}{% if uuid_ids %}params.uuid("{{ flt.name }}"){% else %}params.integer("{{ flt.name }}", 1, MAX_ID){% endif %}
{%- elif f.type in ("string", "text") %}params.text("{{ flt.name }}", {{ f.min_length }}, {{ f.max_length_eff if f.max_length_eff is not none else "null" }})
{%- elif f.type == "integer" %}params.integer("{{ flt.name }}", {{ f.ge }}, {{ f.le }})?.toInt()
{%- elif f.type == "boolean" %}params.boolean("{{ flt.name }}")
{%- elif f.type == "enum" %}params.oneOf("{{ flt.name }}", setOf({% for v in f["values"] %}{{ v | string | tojson | replace("$", "\\$") }}{% if not loop.last %}, {% endif %}{% endfor %}))
{%- elif f.type == "uuid" %}params.uuid("{{ flt.name }}")
{%- elif f.type == "date" %}params.date("{{ flt.name }}")
{%- elif f.type == "datetime" %}params.dateTime("{{ flt.name }}")
{%- elif f.type == "decimal" %}params.decimal("{{ flt.name }}", Regex("""{{ f.pattern }}"""))?.setScale({{ f.scale }})
{%- endif %}
{%- endmacro -%}
{%- set ns = namespace(imports=["com.example.app.auth.Current", "com.example.app.domain.now", "com.fasterxml.jackson.databind.JsonNode", "io.swagger.v3.oas.annotations.Operation", "io.swagger.v3.oas.annotations.media.Content", "io.swagger.v3.oas.annotations.media.Schema", "io.swagger.v3.oas.annotations.responses.ApiResponse", "org.springframework.http.ResponseEntity", "org.springframework.http.HttpStatus", "org.springframework.security.core.annotation.AuthenticationPrincipal", "org.springframework.transaction.annotation.Transactional", "org.springframework.web.bind.annotation.DeleteMapping", "org.springframework.web.bind.annotation.GetMapping", "org.springframework.web.bind.annotation.PatchMapping", "org.springframework.web.bind.annotation.PathVariable", "org.springframework.web.bind.annotation.PostMapping", "org.springframework.web.bind.annotation.RequestBody", "org.springframework.web.bind.annotation.RequestMapping", "org.springframework.web.bind.annotation.RequestParam", "org.springframework.web.bind.annotation.ResponseStatus", "org.springframework.web.bind.annotation.RestController"], java=["java.net.URI"]) -%}
{%- for e in m.ordered %}{% set ns.imports = ns.imports + ["com.example.app.domain." ~ e.name] %}{% endfor -%}
{%- if uuid_ids or "uuid" in m.types %}{% set ns.java = ns.java + ["java.util.UUID"] %}{% endif -%}
{%- if "decimal" in m.types %}{% set ns.java = ns.java + ["java.math.BigDecimal"] %}{% endif -%}
{%- if "datetime" in m.types %}{% set ns.java = ns.java + ["java.time.temporal.ChronoUnit"] %}{% endif -%}
{%- set all_imports = ns.imports + ns.java -%}
package com.example.app.api
{% for name in all_imports | sort(case_sensitive=True) if not name.startswith("java.") %}
import {{ name }}
{%- endfor %}
{%- for name in all_imports | sort(case_sensitive=True) if name.startswith("java.") %}
import {{ name }}
{%- endfor %}
import io.swagger.v3.oas.annotations.parameters.RequestBody as ApiBody

/*
 * The REST resources of the domain model under /api/v1 (operationIds list_<plural>, create_<entity>,
 * get_<entity>, update_<entity>, delete_<entity> of openapi.yaml): each request runs in one transaction,
 * sees only its user's rows, and checks that every row it references is the user's own. Each handler names its
 * operationId, its body's payload class and its response statuses for springdoc (OpenApiDocumentTest compares
 * springdoc's document with openapi.yaml).
 */
{%- for e in m.ordered %}
{%- set id_param = e.var ~ "_id" %}

/** The contract's sort values (without `-`) of {{ e.plural }}, to the entity's attributes. */
private val {{ e.snake | upper }}_SORTS =
    mapOf(
{%- for s in e.sorts %}
        "{{ s }}" to "{{ camel(s) }}",
{%- endfor %}
    )

fun {{ e.name }}.toRead() =
    {{ e.name }}Read(
        id = {% if uuid_ids %}id.toString(){% else %}id!!{% endif %},
{%- for f in e.fields %}
        {{ ident(f.name) }} = {{ toread(f, ident(f.name)) }},
{%- endfor %}
{%- for r in e.many_to_one %}
        {{ ident(r.column) }} = {{ ident(r.column) }}{% if uuid_ids %}?.toString(){% endif %},
{%- endfor %}
{%- for r in e.many_to_many %}
        {{ ident(r.field) }} = {{ ident(r.field) }}.sorted(){% if uuid_ids %}.map { it.toString() }{% endif %},
{%- endfor %}
        createdAt = createdAt,
        updatedAt = updatedAt,
    )

@RestController
@RequestMapping("/api/v1/{{ e.plural }}")
class {{ e.name }}Resource(
    private val crud: Crud,
    private val requests: Requests,
) {
    @Operation(operationId = "list_{{ e.plural_id }}")
{{ k.responses(["200", "401", "422"]) }}
    @GetMapping
    @Transactional(readOnly = true)
    fun list(
        @RequestParam values: Map<String, String>,
        @AuthenticationPrincipal current: Current,
    ): Page<{{ e.name }}Read> {
        val params = Params(values)
        val filters =
            listOf(
{%- for flt in e.filters %}
                "{{ camel(flt.name) }}" to {{ filter(flt) }},
{%- endfor %}
            ).mapNotNull { (attribute, value) -> value?.let { attribute to it } }.toMap()
        val query = params.listQuery({{ e.snake | upper }}_SORTS, filters)
        val (rows, total) = crud.page({{ e.name }}::class.java, current.userId, query)
        return Page(rows.map { it.toRead() }, total, query.limit, query.offset)
    }

    @Operation(operationId = "create_{{ e.var }}")
{{ k.responses(["201", "400", "401"] + csrf + (["404"] if e.has_refs else []) + (["409"] if e.has_unique else []) + ["413", "422"]) }}
    @PostMapping
    @Transactional
    fun create(
        {{ k.body(e.name ~ "Create") }}
        @RequestBody body: JsonNode,
        @AuthenticationPrincipal current: Current,
    ): ResponseEntity<{{ e.name }}Read> {
        val payload = requests.read(body, {{ e.name }}Create::class.java)
        val row = {{ e.name }}(current.userId)
{%- for f in e.fields %}
        row.{{ ident(f.name) }} = {{ toentity(f, "payload." ~ ident(f.name)) }}
{%- endfor %}
{%- for r in e.many_to_one %}
        row.{{ ident(r.column) }} = {{ idin("payload." ~ ident(r.column)) }}
        crud.reference({{ r.target }}::class.java, row.{{ ident(r.column) }}, current.userId)
{%- endfor %}
{%- for r in e.many_to_many %}
        row.{{ ident(r.field) }} =
            crud.references(
                {{ r.target }}::class.java,
                payload.{{ ident(r.field) }}{% if uuid_ids %}.map { it?.let(UUID::fromString) }{% endif %},
                "{{ r.field }}",
                current.userId,
            )
{%- endfor %}
        crud.insert(row)
        return ResponseEntity.created(URI.create("/api/v1/{{ e.plural }}/${row.id}")).body(row.toRead())
    }

    @Operation(operationId = "get_{{ e.var }}")
{{ k.responses(["200", "401", "404", "422"]) }}
    @GetMapping("/{{ '{' }}{{ id_param }}{{ '}' }}")
    @Transactional(readOnly = true)
    fun get(
        @PathVariable("{{ id_param }}") id: String,
        @AuthenticationPrincipal current: Current,
    ): {{ e.name }}Read = crud.find({{ e.name }}::class.java, rowId(id), current.userId).toRead()

    @Operation(operationId = "update_{{ e.var }}")
{{ k.responses(["200", "400", "401"] + csrf + ["404"] + (["409"] if e.has_unique else []) + ["413", "422"]) }}
    @PatchMapping("/{{ '{' }}{{ id_param }}{{ '}' }}")
    @Transactional
    fun update(
        @PathVariable("{{ id_param }}") id: String,
        {{ k.body(e.name ~ "Update") }}
        @RequestBody body: JsonNode,
        @AuthenticationPrincipal current: Current,
    ): {{ e.name }}Read {
        val row = crud.find({{ e.name }}::class.java, rowId(id), current.userId)
        val payload = requests.read(body, {{ e.name }}Update::class.java)
        val members = requests.settable(body, {{ e.name }}Update.REQUIRED)
{%- for f in e.fields %}
        if ("{{ f.name }}" in members) row.{{ ident(f.name) }} = {{ toentity(f, "payload." ~ ident(f.name)) }}
{%- endfor %}
{%- for r in e.many_to_one %}
        if ("{{ r.column }}" in members) {
            row.{{ ident(r.column) }} = {{ idin("payload." ~ ident(r.column)) }}
            crud.reference({{ r.target }}::class.java, row.{{ ident(r.column) }}, current.userId)
        }
{%- endfor %}
{%- for r in e.many_to_many %}
        payload.{{ ident(r.field) }}?.let { ids ->
            row.{{ ident(r.field) }} =
                crud.references(
                    {{ r.target }}::class.java,
                    ids{% if uuid_ids %}.map { it?.let(UUID::fromString) }{% endif %},
                    "{{ r.field }}",
                    current.userId,
                )
        }
{%- endfor %}
        row.updatedAt = now()
        crud.flush()
        return row.toRead()
    }

    @Operation(operationId = "delete_{{ e.var }}")
{{ k.responses(["204", "401"] + csrf + ["404"] + (["409"] if e.restricted else []) + ["422"]) }}
    @DeleteMapping("/{{ '{' }}{{ id_param }}{{ '}' }}")
    @Transactional
    @ResponseStatus(HttpStatus.NO_CONTENT)
    fun delete(
        @PathVariable("{{ id_param }}") id: String,
        @AuthenticationPrincipal current: Current,
    ) = crud.remove(crud.find({{ e.name }}::class.java, rowId(id), current.userId))

    private fun rowId(text: String) = {% if uuid_ids %}Params.parseUuid("{{ id_param }}", text){% else %}Params.parseInteger("{{ id_param }}", text, 1, MAX_ID){% endif %}
}
{%- endfor %}
