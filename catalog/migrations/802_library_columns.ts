import type { Knex } from 'knex';

/**
 * The columns of each library, one per 信息项 it ever had: an item removed by a revision is
 * hidden from answers, its column and data kept (a later revision may bring it back).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('library_columns', (t) => {
    t.string('resource_code', 64).notNullable();
    t.string('field', 64).notNullable();
    t.string('column_name', 64).notNullable();
    t.string('name', 128).notNullable();
    t.string('data_type', 1).notNullable();
    t.integer('length').nullable();
    t.boolean('sensitive').notNullable();
    t.boolean('hidden').notNullable().defaultTo(false);
    t.integer('position').notNullable();
    t.primary(['resource_code', 'field']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('library_columns');
}
