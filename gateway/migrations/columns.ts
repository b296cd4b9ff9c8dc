import type { Knex } from 'knex';
import { columnOf, Library } from '../../core/registry';

/** The bookkeeping columns below, by name: no library item may take one. */
export const SYNC_BOOKKEEPING_COLUMNS: readonly string[] = ['source_job', 'src_updated_at', 'synced_at', 'row_hash', 'deleted', 'deleted_at', 'seen_run'];

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

/**
 * A base library's table as the registry describes it: the key, the items (text by length,
 * money as whole-unit integers, free text unbounded), unique and lookup indexes, and the
 * bookkeeping columns. The registry is pinned by a test against the migrated tables: change a
 * library's shape there only together with a migration that brings existing databases along.
 */
export function createLibraryTable(knex: Knex, lib: Library): Knex.SchemaBuilder {
  return knex.schema.createTable(lib.name, (t) => {
    for (const i of lib.items) {
      const name = columnOf(i);
      const col = i.data_type === 'Y' ? t.bigInteger(name) : i.data_type === 'M' ? t.text(name) : t.string(name, i.length);
      if (name === lib.key) col.primary();
      else if (i.required) col.notNullable();
      else col.nullable();
      if (lib.unique.includes(name)) col.unique();
      for (const index of lib.indexes) if (index.length === 1 && index[0] === name) col.index();
    }
    syncBookkeeping(t);
    for (const index of lib.indexes) if (index.length > 1) t.index(index);
  });
}
