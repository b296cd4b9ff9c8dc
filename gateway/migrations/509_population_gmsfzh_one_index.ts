import type { Knex } from 'knex';

/**
 * One index for 公民身份号码 instead of two (502's unique on the live value, 503's plain one for
 * lookups): unique on (gmsfzh, gmsfzh_live). Two live rows with one number clash on (v, v); a
 * deleted row holds (v, NULL), which never clashes; lookups by gmsfzh use the index's first
 * column. Every insert of a full sync maintained both indexes in random number order, which
 * at a million rows no longer fitted MariaDB's buffer pool: a plain INSERT … SELECT of 1 M
 * people took twice the server CPU with the two (BENCHMARKS.md, round 2, sync).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('population', (t) => {
    t.dropUnique(['gmsfzh_live'], 'population_gmsfzh_live_unique');
    t.dropIndex(['gmsfzh'], 'population_gmsfzh_index');
  });
  await knex.schema.alterTable('population', (t) => {
    t.unique(['gmsfzh', 'gmsfzh_live'], { indexName: 'population_gmsfzh_live_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('population', (t) => {
    t.dropUnique(['gmsfzh', 'gmsfzh_live'], 'population_gmsfzh_live_unique');
  });
  await knex.schema.alterTable('population', (t) => {
    t.unique(['gmsfzh_live'], { indexName: 'population_gmsfzh_live_unique' });
    t.index(['gmsfzh'], 'population_gmsfzh_index');
  });
}
