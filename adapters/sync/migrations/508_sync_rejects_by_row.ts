import type { Knex } from 'knex';

/** A job's earlier rejects of a row, to count a row rejected again with the same content once. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sync_rejects', (t) => {
    t.index(['job_id', 'row_key'], 'sync_rejects_job_row_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sync_rejects', (t) => {
    t.dropIndex(['job_id', 'row_key'], 'sync_rejects_job_row_index');
  });
}
