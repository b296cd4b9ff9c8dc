import type { Knex } from 'knex';
import * as auditKeys from './404_audit_keys';

/** The one-row-per-person table, replaced by audit_batch_keys (migration 405). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_keys');
}

export async function down(knex: Knex): Promise<void> {
  await auditKeys.up(knex);
  const batches = (await knex('audit_batch_keys').orderBy('audit_id')) as Array<{ audit_id: number; hashes: Buffer }>;
  for (const b of batches) {
    const rows = [];
    for (let i = 0; i + 32 <= b.hashes.length; i += 32) {
      const h = b.hashes.subarray(i, i + 32);
      rows.push({ audit_id: b.audit_id, position: i / 32, query_key_hash: h.equals(Buffer.alloc(32)) ? '-' : h.toString('hex') });
    }
    for (let i = 0; i < rows.length; i += 300) await knex('audit_keys').insert(rows.slice(i, i + 300));
  }
}
