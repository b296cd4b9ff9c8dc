import type { Knex } from 'knex';

/** 信息项 of one resource version. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('resource_items', (t) => {
    t.integer('resource_id').unsigned().notNullable().references('id').inTable('resources').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.string('field', 64).notNullable(); // e.g. GMSFZH
    t.string('name', 128).notNullable(); // 公民身份号码
    t.string('data_type', 1).notNullable(); // C N Y D T L M G B I F
    t.integer('length').nullable();
    t.boolean('sensitive').notNullable().defaultTo(false);
    t.text('description').nullable();
    t.primary(['resource_id', 'field']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('resource_items');
}
