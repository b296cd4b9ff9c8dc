import type { Knex } from 'knex';

/** Access applications: a consumer asks for items of a resource. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('applications', (t) => {
    t.increments('id').primary();
    t.string('consumer_id', 64).notNullable().index();
    t.string('resource_code', 64).notNullable();
    t.text('body').notNullable(); // items, 应用场景, 使用频率, 应用系统 (JSON)
    t.string('status', 16).notNullable(); // pending / approved / rejected
    t.text('decision_note').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('decided_at').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('applications');
}
