import type { Knex } from 'knex';

/** The live-only uniqueness of 公民身份号码 (see 501). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('population', (t) => {
    t.unique(['gmsfzh_live'], { indexName: 'population_gmsfzh_live_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('population', (t) => {
    t.dropUnique(['gmsfzh_live'], 'population_gmsfzh_live_unique');
  });
}
