import type { Knex } from 'knex';

/** 婚姻状况 (GB/T 2261.2), an item of the population library owned by 区民政局, not 公安. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('population', (t) => {
    t.string('hyzk', 2).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('population', (t) => {
    t.dropColumn('hyzk');
  });
}
