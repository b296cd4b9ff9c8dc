import type { Knex } from 'knex';

/** Incremental cursor (update_time, key), committed with the batch it covers. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sync_watermarks', (t) => {
    t.string('job_id', 64).primary();
    t.string('update_time', 32).nullable(); // source precision, as text
    t.string('key_value', 256).nullable(); // JSON array of key values
    t.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sync_watermarks');
}
