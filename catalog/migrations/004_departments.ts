import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('departments', (t) => {
    t.string('code', 32).primary();
    t.string('name', 128).notNullable().unique();
    t.string('kind', 32).notNullable().defaultTo('部门'); // 部门 / 运营 / 应用
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('departments');
}
