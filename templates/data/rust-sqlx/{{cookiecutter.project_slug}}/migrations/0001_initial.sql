-- The initial schema: exactly the statements of db/schema.sql (both come from the domain model), applied by
-- `server migrate` (sqlx's embedded migrator; its history table is _sqlx_migrations).
{%- for statement in cookiecutter.schema_statements %}
{{ statement }};
{%- endfor %}
