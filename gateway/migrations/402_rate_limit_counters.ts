import type { Knex } from 'knex';

/** Shared request counters per (consumer, method, window), so limits hold across processes. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_limit_counters', (t) => {
    t.string('bucket', 200).primary();
    t.bigInteger('count').notNullable();
    t.bigInteger('expires_at').notNullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limit_counters');
}
