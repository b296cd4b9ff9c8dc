import type { Knex } from 'knex';

/** 漂移: rows a full run changed that the incremental runs should have carried. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sync_runs', (t) => {
    t.bigInteger('rows_drift').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sync_runs', (t) => {
    t.dropColumn('rows_drift');
  });
}
