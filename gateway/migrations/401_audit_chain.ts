import type { Knex } from 'knex';

/**
 * The head of the audit hash chain. Writers lock this single row for the duration of their
 * insert, so several processes on one database extend one chain. Pruning moves the anchor
 * (the last pruned row's id and hash) so the remaining chain stays verifiable.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_chain', (t) => {
    t.integer('id').primary(); // always 1
    t.bigInteger('last_id').notNullable();
    t.string('last_hash', 64).notNullable();
    t.bigInteger('anchor_id').notNullable();
    t.string('anchor_hash', 64).notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  // the head exists from the start, so writers only ever lock it, never race to create it;
  // rows written before the chain existed lie behind the anchor and are not verified
  const last = (await knex('audit_log').max({ id: 'id' }).first()) as { id: number | null } | undefined;
  const lastId = Number(last?.id ?? 0);
  const genesis = '0'.repeat(64);
  await knex('audit_chain').insert({ id: 1, last_id: lastId, last_hash: genesis, anchor_id: lastId, anchor_hash: genesis, updated_at: Date.now() });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_chain');
}
