import type { Knex } from 'knex';
import { LIBRARIES } from '../../core/registry';

/**
 * The three base libraries (population, legal_entity, licence: tables of 001–003) become
 * libraries of their resources, as the registry describes them. A database whose base
 * resources were published before libraries existed gets them here; on a new one the base
 * resources' publication finds them recorded already.
 */
export async function up(knex: Knex): Promise<void> {
  const now = Date.now();
  for (const lib of Object.values(LIBRARIES)) {
    await knex('libraries').insert({
      resource_code: lib.resource_code,
      table_name: lib.name,
      key_fields: JSON.stringify(lib.items.filter((i) => i.field.toLowerCase() === lib.key).map((i) => i.field)),
      unique_fields: JSON.stringify(lib.items.filter((i) => lib.unique.includes(i.field.toLowerCase())).map((i) => i.field)),
      state: 'active',
      created_at: now,
      updated_at: now,
    });
    await knex('library_columns').insert(
      lib.items.map((i, position) => ({
        resource_code: lib.resource_code,
        field: i.field,
        column_name: i.field.toLowerCase(),
        name: i.name,
        data_type: i.data_type,
        length: i.length ?? null,
        sensitive: i.sensitive,
        hidden: false,
        position,
      })),
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  const codes = Object.values(LIBRARIES).map((lib) => lib.resource_code);
  await knex('library_columns').whereIn('resource_code', codes).delete();
  await knex('libraries').whereIn('resource_code', codes).delete();
}
