import type { Knex } from 'knex';

/**
 * Search index of the catalogue: one narrow row per published resource (its current version),
 * so a text query scans short rows instead of the registrations' JSON bodies. Maintained by
 * catalog/search-index.ts whenever a version is published or retired.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('resource_search', (t) => {
    t.string('code', 64).primary();
    t.integer('version').notNullable();
    t.string('name', 256).notNullable();
    t.string('provider_code', 32).notNullable();
    t.string('category', 8).notNullable();
    t.string('share_type', 1).notNullable();
    t.string('share_mode', 8).notNullable();
    t.string('update_cycle', 8).notNullable();
    t.string('summary', 512).nullable();
    t.bigInteger('published_at').nullable();
    t.bigInteger('updated_at').notNullable();
    t.text('search_text').notNullable(); // lower-cased code, name, summary, item fields and names, methods
    t.index(['provider_code']);
    t.index(['updated_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('resource_search');
}
