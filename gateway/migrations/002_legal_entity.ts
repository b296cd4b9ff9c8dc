import type { Knex } from 'knex';
import { LIBRARIES } from '../../core/registry';
import { createLibraryTable } from './columns';

/** 法人单位基础库 (getFRXX). Registered capital is an integer in 元 (no floats for money). */
export async function up(knex: Knex): Promise<void> {
  await createLibraryTable(knex, LIBRARIES.legal_entity);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('legal_entity');
}
