import type { Knex } from 'knex';

/**
 * 有目录必有数据: the library (table) of each published resource shared by 接口 or 库表 — its
 * table, its key, unique and required items as the registration declared them, and whether the
 * resource is still in service (a retired resource's library keeps its data).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('libraries', (t) => {
    t.string('resource_code', 64).primary();
    t.string('table_name', 64).notNullable().unique();
    t.string('key_fields', 255).notNullable(); // JSON array of item fields
    t.text('unique_fields').notNullable(); // JSON array of item fields
    t.text('required_fields').notNullable(); // JSON array of item fields (besides the key)
    t.string('state', 16).notNullable(); // active / retired
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('libraries');
}
