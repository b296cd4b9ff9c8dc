import type { Knex } from 'knex';

/** Lookups by 公民身份号码 keep an index once the all-rows unique index goes (504). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('population', (t) => {
    t.index(['gmsfzh'], 'population_gmsfzh_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('population', (t) => {
    t.dropIndex(['gmsfzh'], 'population_gmsfzh_index');
  });
}
