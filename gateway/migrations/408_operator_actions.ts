import type { Knex } from 'knex';

/**
 * What operators (and departments deciding on their resources) did, by the person who did
 * it (the token's `sub`, or the OS user for the command line): catalogue decisions, consumer
 * and sync-job changes, admin reads. Append-only, like audit_log.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('operator_actions', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('at').notNullable();
    t.string('actor', 128).notNullable();
    t.string('role', 16).notNullable();
    t.string('action', 64).notNullable();
    t.string('target', 200).notNullable();
    t.text('detail').nullable(); // JSON
    t.string('request_id', 64).nullable();
    t.index(['actor', 'at']);
    t.index(['at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('operator_actions');
}
