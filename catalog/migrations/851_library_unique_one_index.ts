import type { Knex } from 'knex';
import { columnOf } from '../../core/registry';

/**
 * Libraries published before this migration carry two indexes per unique item — unique on its
 * live value, plain on the item — where one unique on (item, live value) serves both, as
 * population's does since 509 (every insert maintained both, in random order). Base libraries
 * are left to their own migrations.
 */
export async function up(knex: Knex): Promise<void> {
  for (const lib of await knex('libraries').select('table_name', 'unique_fields')) {
    const table = String(lib.table_name);
    if (!table.startsWith('lib_')) continue;
    for (const field of JSON.parse(lib.unique_fields) as string[]) {
      const column = columnOf({ field });
      await knex.schema.alterTable(table, (t) => {
        t.dropUnique([`${column}_live`], `${table}_${column}_live_unique`);
        t.dropIndex([column], `${table}_${column}_index`);
      });
      await knex.schema.alterTable(table, (t) => {
        t.unique([column, `${column}_live`], { indexName: `${table}_${column}_live_unique` });
      });
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const lib of await knex('libraries').select('table_name', 'unique_fields')) {
    const table = String(lib.table_name);
    if (!table.startsWith('lib_')) continue;
    for (const field of JSON.parse(lib.unique_fields) as string[]) {
      const column = columnOf({ field });
      await knex.schema.alterTable(table, (t) => {
        t.dropUnique([column, `${column}_live`], `${table}_${column}_live_unique`);
      });
      await knex.schema.alterTable(table, (t) => {
        t.unique([`${column}_live`], { indexName: `${table}_${column}_live_unique` });
        t.index([column], `${table}_${column}_index`);
      });
    }
  }
}
