import type { Knex } from 'knex';

/**
 * A batch lookup's per-person keyed hashes as one row: the 32-byte hashes packed in order
 * into one blob (gateway/auditing/store.ts). Rows already in audit_keys are carried over.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_batch_keys', (t) => {
    t.bigInteger('audit_id').primary();
    t.binary('hashes').notNullable(); // blob: up to 2,047 people on MySQL
  });
  const ids = (await knex('audit_keys').distinct('audit_id').orderBy('audit_id')) as Array<{ audit_id: number }>;
  for (const { audit_id } of ids) {
    const keys = (await knex('audit_keys').where({ audit_id }).orderBy('position').select('query_key_hash')) as Array<{ query_key_hash: string }>;
    const packed = Buffer.concat(keys.map((k) => (k.query_key_hash === '-' ? Buffer.alloc(32) : Buffer.from(k.query_key_hash, 'hex'))));
    await knex('audit_batch_keys').insert({ audit_id, hashes: packed });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_batch_keys');
}
