{{ cookiecutter.schema_statements | join(";\n\n") }};
