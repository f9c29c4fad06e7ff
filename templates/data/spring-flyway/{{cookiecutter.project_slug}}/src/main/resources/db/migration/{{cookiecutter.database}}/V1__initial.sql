-- The initial schema of {{ cookiecutter.project_name | one_line }} ({{ cookiecutter.database }}): db/schema.sql's DDL, applied by Flyway.
{{ cookiecutter.schema_statements | join(";\n\n") }};
