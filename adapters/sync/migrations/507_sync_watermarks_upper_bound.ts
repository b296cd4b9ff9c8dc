import type { Knex } from 'knex';

/**
 * The upper bound (source clock minus delay) up to which the last completed run read: rows
 * stamped a look-back before it had all committed, so the next run need not read them again.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sync_watermarks', (t) => {
    t.string('upper_bound', 32).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sync_watermarks', (t) => {
    t.dropColumn('upper_bound');
  });
}
