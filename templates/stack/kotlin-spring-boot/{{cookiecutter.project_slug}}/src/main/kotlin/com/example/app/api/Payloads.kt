{%- set m = cookiecutter | relational -%}
{%- set uuid_ids = m.id_kind == "uuid" -%}
{%- macro camel(name) %}{{ name.split("_")[0] }}{% for part in name.split("_")[1:] %}{{ part | capitalize }}{% endfor %}{% endmacro -%}
{%- set kotlin_keywords = ["as", "break", "class", "continue", "do", "else", "false", "for", "fun", "if", "in", "interface", "is", "null", "object", "package", "return", "super", "this", "throw", "true", "try", "typealias", "typeof", "val", "var", "when", "while"] -%}
{%- macro ident(name) %}{% set c = camel(name) | string %}{% if c in kotlin_keywords %}`{{ c }}`{% else %}{{ c }}{% endif %}{% endmacro -%}
{%- macro intype(f) %}{% if f.type == "integer" %}Int{% elif f.type == "boolean" %}Boolean{% elif f.type == "json" %}JsonNode{% else %}String{% endif %}{% endmacro -%}
{%- macro outtype(f) %}{% if f.type == "integer" %}Int{% elif f.type == "boolean" %}Boolean{% elif f.type == "json" %}JsonNode{% else %}String{% endif %}{% endmacro -%}
{%- macro literal(f) %}{% if f.type in ("integer", "boolean") %}{{ f.default_value | tojson }}{% else %}{{ f.default_value | string | tojson | replace("$", "\\$") }}{% endif %}{% endmacro -%}
{%- macro named(name) %}{% if camel(name) != name %}
    @param:JsonProperty("{{ name }}"){% endif %}{% endmacro -%}
{%- macro getter(name) %}{% if camel(name) != name %}@get:JsonProperty("{{ name }}") {% endif %}{% endmacro -%}
{%- macro checks(f) %}
{%- if f.type in ("string", "text") %}
    @field:TextLength(min = {{ f.min_length }}{% if f.max_length_eff is not none %}, max = {{ f.max_length_eff }}{% endif %})
    @field:Pattern(regexp = NO_NUL, message = "must not contain NUL characters")
{%- elif f.type == "integer" %}
    @field:Min({{ f.ge }})
    @field:Max({{ f.le }})
{%- elif f.type == "decimal" %}
    @field:Pattern(
        regexp = """{{ f.pattern }}""",
        message = "must be a decimal number (text) within the column's range",
    )
{%- elif f.type == "enum" %}
    @field:OneOf([{% for v in f["values"] %}{{ v | string | tojson | replace("$", "\\$") }}{% if not loop.last %}, {% endif %}{% endfor %}])
{%- elif f.type == "uuid" %}
    @field:Pattern(regexp = UUID_PATTERN, message = "must be a UUID")
{%- elif f.type == "date" %}
    @field:Rfc3339(Temporal.DATE)
{%- elif f.type == "datetime" %}
    @field:Rfc3339(Temporal.DATE_TIME)
{%- endif %}
{%- endmacro -%}
{%- macro idchecks() %}
{%- if uuid_ids %}
    @field:Pattern(regexp = UUID_PATTERN, message = "must be a UUID")
{%- else %}
    @field:Min(1)
    @field:Max(MAX_ID)
{%- endif %}
{%- endmacro -%}
{%- set idin = "String" if uuid_ids else "Long" -%}
{%- set idout = "String" if uuid_ids else "Long" -%}
{%- set imports = ["com.fasterxml.jackson.annotation.JsonProperty"] -%}
{%- if "json" in m.types %}{% set imports = imports + ["com.fasterxml.jackson.databind.JsonNode"] %}{% endif -%}
{%- if uuid_ids or m.types | select("in", ["string", "text", "decimal", "uuid"]) | list %}{% set imports = imports + ["jakarta.validation.constraints.Pattern"] %}{% endif -%}
{%- if not uuid_ids or "integer" in m.types %}{% set imports = imports + ["jakarta.validation.constraints.Max", "jakarta.validation.constraints.Min"] %}{% endif -%}
{#- a many-to-many list defaults to empty: Kotlin's non-null type would make springdoc call it required -#}
{%- if m.ordered | selectattr("many_to_many") | list %}{% set imports = imports + ["io.swagger.v3.oas.annotations.media.Schema"] %}{% endif -%}
{%- set all_imports = imports + ["java.time.Instant"] -%}
package com.example.app.api
{% for name in all_imports | sort(case_sensitive=True) if not name.startswith("java.") %}
import {{ name }}
{%- endfor %}
{%- for name in all_imports | sort(case_sensitive=True) if name.startswith("java.") %}
import {{ name }}
{%- endfor %}

/*
 * The request and response bodies of the entities (openapi.yaml's <Entity>Create, <Entity>Update and
 * <Entity>Read), checked with Jakarta Bean Validation. Decimals, dates, date-times and UUIDs travel as text
 * (the contract's JSON Schema types), so that each is checked exactly as the contract says before it is
 * converted; a PATCH body's own members say which fields it sets (Requests.read, api/Resources.kt).
 */

/** One page of a list: the rows, how many match in all, and the page asked for. */
data class Page<T>(
    val items: List<T>,
    val total: Long,
    val limit: Int,
    val offset: Int,
)
{%- for e in m.ordered %}

data class {{ e.name }}Create(
{%- for f in e.fields %}
{{- named(f.name) }}
{{- checks(f) }}
    val {{ ident(f.name) }}: {{ intype(f) }}{% if not f.required %}? = {% if f.has_default %}{{ literal(f) }}{% else %}null{% endif %}{% endif %},
{%- endfor %}
{%- for r in e.many_to_one %}
{{- named(r.column) }}
{{- idchecks() }}
    val {{ ident(r.column) }}: {{ idin }}{% if not r.required %}? = null{% endif %},
{%- endfor %}
{%- for r in e.many_to_many %}
{{- named(r.field) }}
    @field:Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED)
    val {{ ident(r.field) }}: List<{{ idin }}?> = emptyList(),
{%- endfor %}
)

data class {{ e.name }}Update(
{%- for f in e.fields %}
{{- named(f.name) }}
{{- checks(f) }}
    val {{ ident(f.name) }}: {{ intype(f) }}? = null,
{%- endfor %}
{%- for r in e.many_to_one %}
{{- named(r.column) }}
{{- idchecks() }}
    val {{ ident(r.column) }}: {{ idin }}? = null,
{%- endfor %}
{%- for r in e.many_to_many %}
{{- named(r.field) }}
    val {{ ident(r.field) }}: List<{{ idin }}?>? = null,
{%- endfor %}
) {
    companion object {
        /** The members a PATCH may not set to null. */
{%- set required = (e.fields | selectattr("required") | map(attribute="name") | list) + (e.many_to_one | selectattr("required") | map(attribute="column") | list) + (e.many_to_many | map(attribute="field") | list) %}
        val REQUIRED = setOf<String>({% for n in required %}"{{ n }}"{% if not loop.last %}, {% endif %}{% endfor %})
    }
}

data class {{ e.name }}Read(
    val id: {{ idout }},
{%- for f in e.fields %}
    {{ getter(f.name) }}val {{ ident(f.name) }}: {{ outtype(f) }}?,
{%- endfor %}
{%- for r in e.many_to_one %}
    {{ getter(r.column) }}val {{ ident(r.column) }}: {{ idout }}?,
{%- endfor %}
{%- for r in e.many_to_many %}
    {{ getter(r.field) }}val {{ ident(r.field) }}: List<{{ idout }}>,
{%- endfor %}
    @get:JsonProperty("created_at") val createdAt: Instant,
    @get:JsonProperty("updated_at") val updatedAt: Instant,
)
{%- endfor %}
