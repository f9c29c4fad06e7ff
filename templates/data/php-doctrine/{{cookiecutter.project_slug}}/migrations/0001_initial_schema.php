<?php

declare(strict_types=1);

/*
 * Migration 0001, the initial schema: exactly the statements of db/schema.sql for {{ cookiecutter.database }}
 * (both come from the domain model), so the tables are the ones every backend-expert stack creates.
 * `php bin/console db:migrate` applies the files of migrations/ in name order, once each (schema_migrations);
 * a later change is a new file returning its statements.
 */

return [
{%- for statement in cookiecutter.schema_statements %}
    <<<'SQL'
    {{ statement | indent(4) }}
    SQL,
{%- endfor %}
];
