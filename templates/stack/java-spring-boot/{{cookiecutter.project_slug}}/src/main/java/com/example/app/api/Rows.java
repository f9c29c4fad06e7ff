{%- import "java.jinja" as j with context -%}
{%- set m = cookiecutter | relational -%}
{#- MySQL/MariaDB keep UUIDs as CHAR(32) hex: every UUID attribute goes through HexUuid there #}
{%- set hex = "\n    @Convert(converter = HexUuid.class)" if cookiecutter.database == "mysql" else "" -%}
package com.example.app.api;

{%- if cookiecutter.database == "mysql" %}
import com.example.app.domain.HexUuid;
{%- endif %}
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
{%- if cookiecutter.database == "mysql" %}
import jakarta.persistence.Convert;
{%- endif %}
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
{%- if m.id_kind != "uuid" %}
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
{%- endif %}
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * The JPA entities of the model, one table each (Flyway creates them: db/schema.sql). A
 * many-to-one is its foreign key column; a many-to-many is the set of ids in its join table.
 */
public final class Rows {

  private Rows() {}
{% for e in m.entities %}

  /** A row of {{ e.table }}. */
  @Entity
  @Table(name = "{{ e.table }}")
  public static class {{ e.name }} implements Row {
    @Id
{%- if m.id_kind != "uuid" %}
    @GeneratedValue(strategy = GenerationType.IDENTITY)
{%- else %}{{ hex }}
{%- endif %}
    public {{ j.id_type(m) }} id;

    @Column(name = "owner_id", nullable = false, updatable = false)
    public Integer ownerId;
{%- for f in e.fields %}

{%- if f.type == "json" %}
    @JdbcTypeCode(SqlTypes.JSON)
{%- elif f.type == "uuid" %}{{ hex }}
{%- endif %}
    @Column(name = "{{ f.name }}")
    public {{ j.column_type(f) }} {{ j.camel(f.name) }};
{%- endfor %}
{%- for r in e.many_to_one %}
{% if m.id_kind == "uuid" %}{{ hex }}{% endif %}
    @Column(name = "{{ r.column }}")
    public {{ j.id_type(m) }} {{ j.camel(r.column) }};
{%- endfor %}
{%- for r in e.many_to_many %}

    @ElementCollection(fetch = FetchType.EAGER){% if m.id_kind == "uuid" %}{{ hex }}{% endif %}
    @CollectionTable(name = "{{ r.table }}", joinColumns = @JoinColumn(name = "{{ r.left }}"))
    @Column(name = "{{ r.right }}")
    public Set<{{ j.id_type(m) }}> {{ j.camel(r.field) }} = new HashSet<>();
{%- endfor %}

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Override
    public Object rowId() {
      return id;
    }

    @Override
    public void own(Integer ownerId) {
      this.ownerId = ownerId;
{%- if m.id_kind == "uuid" %}
      this.id = com.example.app.domain.Ids.uuid7();
{%- endif %}
    }

    @Override
    public void touch(Instant now, boolean created) {
      if (created) {
        createdAt = now;
      }
      updatedAt = now;
    }
  }
{%- endfor %}
}
