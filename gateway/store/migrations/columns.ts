import type { Knex } from 'knex';

/**
 * Bookkeeping every base-library row carries: where it came from, the source's own update
 * time (kept as text at the source's precision), when the gateway stored it, a hash of the
 * business columns (to count unchanged rows), and a soft-delete flag.
 */
export function syncBookkeeping(t: Knex.CreateTableBuilder): void {
  t.string('source_job', 64).nullable();
  t.string('src_updated_at', 32).nullable();
  t.bigInteger('synced_at').notNullable();
  t.string('row_hash', 64).nullable();
  t.boolean('deleted').notNullable().defaultTo(false);
  t.bigInteger('deleted_at').nullable();
  // the id of the full run that last saw the row: the sweep after a completed full run
  // soft-deletes rows whose seen_run is older
  t.bigInteger('seen_run').nullable();
}
