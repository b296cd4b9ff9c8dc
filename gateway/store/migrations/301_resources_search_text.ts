import type { Knex } from 'knex';

/**
 * Catalogue search reads one lower-cased text column (name, summary, code, item names) so a
 * text query never has to load or parse the JSON bodies.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('resources', (t) => {
    t.text('search_text').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('resources', (t) => {
    t.dropColumn('search_text');
  });
}
