/**
 * The first migration: the whole schema of db/schema.sql ({{ cookiecutter.database }}), statement by statement.
 * Later schema changes are new migrations beside this one (listed in ./index.ts); never edit an applied one.
 */
import type { MigrationContext } from "./index.js";

const UP: readonly string[] = [
{%- for statement in cookiecutter.schema_statements %}
  {{ statement | tojson }},
{%- endfor %}
];

/** tables in the reverse order of their creation */
const TABLES: readonly string[] = {{ cookiecutter.schema_tables | reverse | list | tojson }};

export const name = "0001-initial";

export async function up({ sequelize, transaction }: MigrationContext): Promise<void> {
  for (const statement of UP) await sequelize.query(statement, { transaction });
}

export async function down({ sequelize, transaction }: MigrationContext): Promise<void> {
  for (const table of TABLES) await sequelize.query(`DROP TABLE ${table}`, { transaction });
}
