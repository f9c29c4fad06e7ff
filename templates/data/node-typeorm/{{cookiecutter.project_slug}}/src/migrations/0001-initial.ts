/**
 * The first migration: the whole schema of db/schema.sql ({{ cookiecutter.database }}), statement by statement.
 * Later schema changes are new migrations beside this one (listed in ./index.ts); never edit an applied one.
 */
import type { MigrationInterface, QueryRunner } from "typeorm";

const UP: readonly string[] = [
{%- for statement in cookiecutter.schema_statements %}
  {{ statement | tojson }},
{%- endfor %}
];

/** tables in the reverse order of their creation */
const TABLES: readonly string[] = {{ cookiecutter.schema_tables | reverse | list | tojson }};

export class Initial0000000000001 implements MigrationInterface {
  name = "Initial0000000000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) await queryRunner.query(`DROP TABLE ${table}`);
  }
}
