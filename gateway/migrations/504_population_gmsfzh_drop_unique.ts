import type { Knex } from 'knex';

/** Soft-deleted people no longer hold their 公民身份号码: 502 constrains live rows only. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('population', (t) => {
    t.dropUnique(['gmsfzh'], 'population_gmsfzh_unique');
  });
}

export async function down(knex: Knex): Promise<void> {
  // fails, as it should, while a deleted and a live row share a number
  await knex.schema.alterTable('population', (t) => {
    t.unique(['gmsfzh'], { indexName: 'population_gmsfzh_unique' });
  });
}
