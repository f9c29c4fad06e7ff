{%- import "java.jinja" as j with context -%}
{%- set m = cookiecutter | relational -%}
package com.example.app.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The model's entities for the CRUD logic: for each, its URL, how its body fills a row and how a
 * row reads as JSON (openapi.yaml's {@code <Entity>Read}), and its sort fields and filters.
 */
@Component
public class Resources {

  private final Map<String, Resource<?, ?>> byPlural;

  public Resources(ObjectMapper json) {
    this.byPlural =
        Map.of(
{%- for e in m.entities %}
            "{{ e.plural }}", {{ e.var }}(json){{ "," if not loop.last else ");" }}
{%- endfor %}
  }

  /** The entity of a URL segment (one of ResourceController's routes). */
  Resource<?, ?> named(String plural) {
    return byPlural.get(plural);
  }

  /** A path id of the entity, or 422 naming the parameter. */
  Object id(Resource<?, ?> resource, String raw) {
{%- if m.id_kind == "uuid" %}
    return Values.uuidParameter(resource.idParameter(), raw);
{%- else %}
    return Values.idParameter(resource.idParameter(), raw);
{%- endif %}
  }
{%- for e in m.entities %}

  private static Resource<Rows.{{ e.name }}, Payloads.{{ e.name }}Body> {{ e.var }}(ObjectMapper json) {
    return new Resource<>(
        "{{ e.plural }}",
        "{{ e.snake }}_id",
        Rows.{{ e.name }}.class,
        Payloads.{{ e.name }}Body.class,
        Rows.{{ e.name }}::new,
        () -> {
          ObjectNode defaults = json.createObjectNode();
{%- for f in e.fields if f.has_default %}
{%- if f.default_value is boolean %}
          defaults.put("{{ f.name }}", {{ "true" if f.default_value else "false" }});
{%- elif f.default_value is number and f.type == "integer" %}
          defaults.put("{{ f.name }}", {{ f.default_value }});
{%- else %}
          defaults.put("{{ f.name }}", {{ f.default_value | string | json_str }});
{%- endif %}
{%- endfor %}
{%- for r in e.many_to_many %}
          defaults.putArray("{{ r.field }}");
{%- endfor %}
          return defaults;
        },
        (body, row) -> {
{%- for f in e.fields %}
          row.{{ j.camel(f.name) }} = {{ j.to_column(f, "body." ~ j.camel(f.name) ~ "()") }};
{%- endfor %}
{%- for r in e.many_to_one %}
          row.{{ j.camel(r.column) }} = {{ j.ref_to_column(m, "body." ~ j.camel(r.column) ~ "()") }};
{%- endfor %}
{%- for r in e.many_to_many %}
          row.{{ j.camel(r.field) }}.clear();
          body.{{ j.camel(r.field) }}().forEach(id -> row.{{ j.camel(r.field) }}.add({{ j.ref_to_column(m, "id") }}));
{%- endfor %}
        },
        row -> {
          ObjectNode out = json.createObjectNode();
          {{ j.read_id(m, "id", "row.id") }}
{%- for f in e.fields %}
          {{ j.read(f, "row." ~ j.camel(f.name)) }}
{%- endfor %}
{%- for r in e.many_to_one %}
          {{ j.read_id(m, r.column, "row." ~ j.camel(r.column)) }}
{%- endfor %}
{%- for r in e.many_to_many %}
          row.{{ j.camel(r.field) }}.stream().sorted().forEach(id -> out.withArray("{{ r.field }}"){% if m.id_kind == "uuid" %}.add(id.toString()){% else %}.add(id){% endif %});
          out.withArray("{{ r.field }}");
{%- endfor %}
          out.put("created_at", Values.text(row.createdAt));
          out.put("updated_at", Values.text(row.updatedAt));
          return out;
        },
        Map.ofEntries(
            Map.entry("id", "id"),
{%- for f in e.fields if f.sortable %}
            Map.entry("{{ f.name }}", "{{ j.camel(f.name) }}"),
{%- endfor %}
            Map.entry("created_at", "createdAt"),
            Map.entry("updated_at", "updatedAt")),
        Map.ofEntries(
{%- for flt in e.filters %}
            Map.entry(
                "{{ flt.name }}",
                new Resource.Filter("{{ j.camel(flt.name) }}", {{ j.filter_parser(m, flt) }})){{ "," if not loop.last }}
{%- endfor %}
        ),
        List.of(
{%- set refs = [] %}
{%- for r in e.many_to_one %}
{%- set _ = refs.append("new Resource.Reference<>(Rows." ~ r.target ~ ".class, body -> java.util.Collections.singletonList(" ~ j.ref_to_column(m, "body." ~ j.camel(r.column) ~ "()") ~ "))") %}
{%- endfor %}
{%- for r in e.many_to_many %}
{%- set _ = refs.append("new Resource.Reference<>(Rows." ~ r.target ~ ".class, body -> body." ~ j.camel(r.field) ~ "().stream().map(id -> " ~ j.ref_to_column(m, "id") ~ ").collect(Collectors.toSet()))") %}
{%- endfor %}
{%- for ref in refs %}
            {{ ref }}{{ "," if not loop.last }}
{%- endfor %}
        ));
  }
{%- endfor %}
}
