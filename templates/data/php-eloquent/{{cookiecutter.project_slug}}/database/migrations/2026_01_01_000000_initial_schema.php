<?php

declare(strict_types=1);

use Illuminate\Database\Migrations\Migration;
use Illuminate\Support\Facades\DB;
use Illuminate\Support\Facades\Schema;

/*
 * The initial schema: exactly the statements of db/schema.sql for {{ cookiecutter.database }} (both come from
 * the domain model), so the tables are the ones every backend-expert stack creates. Later changes are
 * new migrations (php artisan make:migration).
 */
return new class () extends Migration {
    private const STATEMENTS = [
{%- for statement in cookiecutter.schema_statements %}
        <<<'SQL'
        {{ statement | indent(8) }}
        SQL,
{%- endfor %}
    ];

    private const TABLES = [
{%- for table in cookiecutter.schema_tables %}
        '{{ table }}',
{%- endfor %}
    ];

    public function up(): void
    {
        foreach (self::STATEMENTS as $statement) {
            DB::unprepared($statement);
        }
    }

    public function down(): void
    {
        Schema::disableForeignKeyConstraints();
        foreach (array_reverse(self::TABLES) as $table) {
            Schema::dropIfExists($table);
        }
        Schema::enableForeignKeyConstraints();
    }
};
