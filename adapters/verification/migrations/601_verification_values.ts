import type { Knex } from 'knex';

/**
 * 多元校核: what a verification source (校核源) says about an item of a library record, kept
 * beside the library (never in it) so it can be compared with the authoritative value.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('verification_values', (t) => {
    t.string('job_id', 64).notNullable();
    t.string('library', 32).notNullable();
    t.string('record_key', 64).notNullable();
    t.string('item', 32).notNullable();
    t.text('value').nullable();
    t.bigInteger('seen_at').notNullable();
    t.primary(['job_id', 'record_key', 'item']);
    t.index(['library', 'record_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('verification_values');
}
