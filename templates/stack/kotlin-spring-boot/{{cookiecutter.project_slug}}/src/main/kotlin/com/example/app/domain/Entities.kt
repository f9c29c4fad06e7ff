{%- set m = cookiecutter | relational -%}
{%- set uuid_ids = m.id_kind == "uuid" -%}
{%- set hex = cookiecutter.database != "postgresql" -%}
{%- set uses_uuid = uuid_ids or "uuid" in m.types -%}
{%- macro camel(name) %}{{ name.split("_")[0] }}{% for part in name.split("_")[1:] %}{{ part | capitalize }}{% endfor %}{% endmacro -%}
{%- set kotlin_keywords = ["as", "break", "class", "continue", "do", "else", "false", "for", "fun", "if", "in", "interface", "is", "null", "object", "package", "return", "super", "this", "throw", "true", "try", "typealias", "typeof", "val", "var", "when", "while"] -%}
{%- macro ident(name) %}{% set c = camel(name) | string %}{% if c in kotlin_keywords %}`{{ c }}`{% else %}{{ c }}{% endif %}{% endmacro -%}
{%- macro ktype(f) %}{% if f.type in ("string", "text", "enum") %}String{% elif f.type == "integer" %}Int{% elif f.type == "boolean" %}Boolean{% elif f.type == "decimal" %}BigDecimal{% elif f.type == "uuid" %}UUID{% elif f.type == "date" %}LocalDate{% elif f.type == "datetime" %}Instant{% else %}JsonNode{% endif %}{% endmacro -%}
{%- set idt = "UUID" if uuid_ids else "Long" -%}
{%- set imports = ["jakarta.persistence.Column", "jakarta.persistence.Entity", "jakarta.persistence.Id", "jakarta.persistence.Table", "java.time.Instant"] -%}
{%- if not uuid_ids %}{% set imports = imports + ["jakarta.persistence.GeneratedValue", "jakarta.persistence.GenerationType"] %}{% endif -%}
{%- if uses_uuid %}{% set imports = imports + ["java.util.UUID"] %}{% endif -%}
{%- if (uses_uuid or "json" in m.types) and hex %}{% set imports = imports + ["jakarta.persistence.Convert"] %}{% endif -%}
{%- if m.any_m2m %}{% set imports = imports + ["jakarta.persistence.CollectionTable", "jakarta.persistence.ElementCollection", "jakarta.persistence.JoinColumn"] %}{% endif -%}
{%- if "decimal" in m.types %}{% set imports = imports + ["java.math.BigDecimal"] %}{% endif -%}
{%- if "date" in m.types %}{% set imports = imports + ["java.time.LocalDate"] %}{% endif -%}
{%- if "json" in m.types %}{% set imports = imports + ["com.fasterxml.jackson.databind.JsonNode"] %}{% endif -%}
{%- if "json" in m.types and not hex %}{% set imports = imports + ["org.hibernate.annotations.JdbcTypeCode", "org.hibernate.type.SqlTypes"] %}{% endif -%}
{%- set all_imports = imports -%}
package com.example.app.domain
{% for name in all_imports | sort(case_sensitive=True) if not name.startswith("java.") %}
import {{ name }}
{%- endfor %}
{%- for name in all_imports | sort(case_sensitive=True) if name.startswith("java.") %}
import {{ name }}
{%- endfor %}

/*
 * The JPA entities of the domain model (db/schema.sql's tables, which Flyway creates: Hibernate validates
 * nothing and generates no DDL). Every row belongs to the user who created it (`owner_id`); a many-to-one is
 * its `<relation>_id` column, a many-to-many the set of ids in its join table.
{%- if uses_uuid and hex %}
 * UUIDs are 32 hexadecimal digits on this database (CHAR(32), as in db/schema.sql): [UuidHex]; JSON values
 * are written as JSON text ([JsonText]: MariaDB's JSON is a text column, which Hibernate's MySQL JSON cast fails on).
{%- endif %}
 */
{%- for e in m.ordered %}

@Entity
@Table(name = "{{ e.table }}")
class {{ e.name }}(
    @Column(name = "owner_id", nullable = false) var ownerId: Long,
) {
    @Id
{%- if uuid_ids %}
{%- if hex %}
    @Convert(converter = UuidHex::class)
{%- endif %}
    var id: UUID = uuidV7()
{%- else %}
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    var id: Long? = null
{%- endif %}
{%- for f in e.fields %}
{%- if f.type == "uuid" and hex %}

    @Convert(converter = UuidHex::class)
{%- elif f.type == "json" and hex %}

    @Convert(converter = JsonText::class)
{%- elif f.type == "json" %}

    @JdbcTypeCode(SqlTypes.JSON)
{%- else %}
{% endif %}
    @Column(name = "{{ f.name }}")
    var {{ ident(f.name) }}: {{ ktype(f) }}? = null
{%- endfor %}
{%- for r in e.many_to_one %}
{% if uuid_ids and hex %}
    @Convert(converter = UuidHex::class)
{%- endif %}
    @Column(name = "{{ r.column }}")
    var {{ ident(r.column) }}: {{ idt }}? = null
{%- endfor %}
{%- for r in e.many_to_many %}

    @ElementCollection
    @CollectionTable(name = "{{ r.table }}", joinColumns = [JoinColumn(name = "{{ r.left }}")])
{%- if uuid_ids and hex %}
    @Convert(converter = UuidHex::class)
{%- endif %}
    @Column(name = "{{ r.right }}")
    var {{ ident(r.field) }}: MutableSet<{{ idt }}> = mutableSetOf()
{%- endfor %}

    @Column(name = "created_at", nullable = false)
    var createdAt: Instant = now()

    @Column(name = "updated_at", nullable = false)
    var updatedAt: Instant = now()
}
{%- endfor %}
