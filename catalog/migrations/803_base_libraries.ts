import type { Knex } from 'knex';
import { LIBRARY_NAMES } from '../../core/registry';
import { baseLibrary, libraryRows } from '../libraries';

/**
 * The three base libraries (population, legal_entity, licence: tables of 001–003) become
 * libraries of their resources, as the registry describes them. A database whose base
 * resources were published before libraries existed gets them here; on a new one the base
 * resources' publication finds them recorded already.
 */
export async function up(knex: Knex): Promise<void> {
  const now = Date.now();
  for (const name of LIBRARY_NAMES) {
    const rows = libraryRows(baseLibrary(name), now);
    await knex('libraries').insert(rows.library);
    await knex('library_columns').insert(rows.columns);
  }
}

export async function down(knex: Knex): Promise<void> {
  const codes = LIBRARY_NAMES.map((name) => baseLibrary(name).resourceCode);
  await knex('library_columns').whereIn('resource_code', codes).delete();
  await knex('libraries').whereIn('resource_code', codes).delete();
}
