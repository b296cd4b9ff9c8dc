import type { Knex } from 'knex';

/**
 * Which hash a row carries: 1 = unkeyed SHA-256 (rows written before this migration, kept
 * and verified as they are), 2 = HMAC under the chain key with canonical text
 * (gateway/auditing/chain.ts). Existing rows are not re-hashed: the migration has no key.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_log', (t) => {
    t.integer('chain_version').notNullable().defaultTo(1);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_log', (t) => {
    t.dropColumn('chain_version');
  });
}
