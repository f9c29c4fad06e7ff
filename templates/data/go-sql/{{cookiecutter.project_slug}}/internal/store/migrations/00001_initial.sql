-- The initial schema: exactly the statements of db/schema.sql (both come from the domain model).
-- +goose Up
{%- for statement in cookiecutter.schema_statements %}
-- +goose StatementBegin
{{ statement }};
-- +goose StatementEnd
{%- endfor %}

-- +goose Down
{%- for table in cookiecutter.schema_tables | reverse %}
DROP TABLE {{ table }};
{%- endfor %}
