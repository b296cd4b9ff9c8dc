import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sync_rejects', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('run_id').notNullable().index();
    t.string('job_id', 64).notNullable();
    t.string('row_key', 256).nullable();
    t.text('reason').notNullable();
    t.text('raw').notNullable(); // the source row (JSON)
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sync_rejects');
}
