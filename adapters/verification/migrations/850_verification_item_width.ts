import type { Knex } from 'knex';
import { widenStringColumn } from '../../../core/dialect';

/**
 * An item is a library column, named by a field of up to 64 characters (schemas/resource.schema.json),
 * but 601 and 602 kept it in 32: a 校核源 on a library with a longer field could not record it.
 */
const ITEM = { kind: 'string', length: 64 } as const;

export async function up(knex: Knex): Promise<void> {
  await widenStringColumn(knex, 'verification_values', 'item', ITEM, true);
  await widenStringColumn(knex, 'verification_differences', 'item', ITEM, true);
}

/** Nothing to undo: the wider column holds whatever the narrower did, and 601/602 drop the tables. */
export async function down(): Promise<void> {}
