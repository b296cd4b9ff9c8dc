import type { Knex } from 'knex';

/** Time from request arrival to the audit write, for the operator's per-consumer statistics. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_log', (t) => {
    t.integer('duration_ms').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_log', (t) => {
    t.dropColumn('duration_ms');
  });
}
