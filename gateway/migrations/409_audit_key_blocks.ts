import type { Knex } from 'knex';

/**
 * "Who looked me up" by key blocks (gateway/auditing/key-blocks.ts) instead of an index on
 * audit_log.query_key_hash, which every lookup wrote at a random place. Existing rows are
 * searched whole until their blocks are built.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_key_blocks', (t) => {
    t.bigInteger('first_id').primary();
    t.bigInteger('last_id').notNullable();
    t.binary('prefixes').notNullable(); // blob: 8 bytes for each of 1,024 rows
  });
  await knex.schema.alterTable('audit_log', (t) => t.dropIndex(['query_key_hash']));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_log', (t) => t.index(['query_key_hash']));
  await knex.schema.dropTable('audit_key_blocks');
}
