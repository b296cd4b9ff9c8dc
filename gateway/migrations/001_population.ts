import type { Knex } from 'knex';
import { LIBRARIES } from '../../core/registry';
import { createLibraryTable } from './columns';

/** 人口基础库 — fields of the 附件3 template (getRKZP). */
export async function up(knex: Knex): Promise<void> {
  await createLibraryTable(knex, LIBRARIES.population);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('population');
}
