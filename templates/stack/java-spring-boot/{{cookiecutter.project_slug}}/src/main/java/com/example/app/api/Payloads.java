{%- import "java.jinja" as j with context -%}
{%- set m = cookiecutter | relational -%}
{%- set ns = namespace(optional=false) -%}
{%- for e in m.entities -%}
{%- if e.many_to_many or e.fields | selectattr("required") | selectattr("has_default") | list %}{% set ns.optional = true %}{% endif -%}
{%- endfor -%}
package com.example.app.api;

import com.example.app.api.Constraints.Chars;
import com.example.app.api.Constraints.IsoDate;
import com.example.app.api.Constraints.IsoDateTime;
import com.example.app.api.Constraints.Whole;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
{%- if ns.optional %}
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
{%- endif %}
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;
import java.util.List;

/**
 * The request bodies of the model's entities, checked by Bean Validation as the contract's JSON
 * Schema says (openapi.yaml, {@code <Entity>Create}; an update is merged over the row first, so
 * the same checks hold). Decimals, dates, date-times and UUIDs arrive as text. A member with a
 * default is {@code @NotNull} once merged, yet a create may leave it out: springdoc is told so.
 */
public final class Payloads {

  private Payloads() {}
{% for e in m.entities %}

  /** The body of create_{{ e.snake }} (and of update_{{ e.snake }}, over the row). */
  public record {{ e.name }}Body(
{%- set comps = [] %}
{%- for f in e.fields %}
{%- set optional = "@Schema(requiredMode = RequiredMode.NOT_REQUIRED) " if f.required and f.has_default else "" %}
{%- set _ = comps.append('@JsonProperty("' ~ f.name ~ '") ' ~ optional ~ j.constraints(f) ~ ' ' ~ j.payload_type(f) ~ ' ' ~ j.camel(f.name)) %}
{%- endfor %}
{%- for r in e.many_to_one %}
{%- set _ = comps.append('@JsonProperty("' ~ r.column ~ '") ' ~ j.ref_constraints(m, r.required) ~ ' ' ~ j.ref_type(m) ~ ' ' ~ j.camel(r.column)) %}
{%- endfor %}
{%- for r in e.many_to_many %}
{%- set _ = comps.append('@JsonProperty("' ~ r.field ~ '") @Schema(requiredMode = RequiredMode.NOT_REQUIRED) @NotNull List<' ~ j.ref_constraints(m, true) ~ ' ' ~ j.ref_type(m) ~ '> ' ~ j.camel(r.field)) %}
{%- endfor %}
{%- for c in comps %}
      {{ c }}{{ "," if not loop.last else ") {}" }}
{%- endfor %}
{%- endfor %}
}
