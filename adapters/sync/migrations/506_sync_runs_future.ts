import type { Knex } from 'knex';

/** 未来时间: source rows stamped further ahead of the source clock than the tolerance. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sync_runs', (t) => {
    t.bigInteger('rows_future').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sync_runs', (t) => {
    t.dropColumn('rows_future');
  });
}
