import type { Knex } from 'knex';

/**
 * The keyed hashes of every person a batch lookup (batchRKHY) asked about, so "who looked me
 * up" finds batch lookups too. The audit row's own query_key_hash is the hash of this ordered
 * list, so the list is covered by the chain.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_keys', (t) => {
    t.bigInteger('audit_id').notNullable();
    t.integer('position').notNullable();
    t.string('query_key_hash', 64).notNullable().index();
    t.primary(['audit_id', 'position']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_keys');
}
