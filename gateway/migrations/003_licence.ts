import type { Knex } from 'knex';
import { LIBRARIES } from '../../core/registry';
import { createLibraryTable } from './columns';

/** 电子证照库 (getDZZZ / getDZZZHY). */
export async function up(knex: Knex): Promise<void> {
  await createLibraryTable(knex, LIBRARIES.licence);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('licence');
}
