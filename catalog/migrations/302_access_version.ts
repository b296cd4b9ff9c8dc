import type { Knex } from 'knex';

/**
 * The access version: one row whose counter every change of a consumer, a resource (its
 * rows and interfaces) or a grant raises in the same transaction (catalog/access-version.ts).
 * The lookups read it per call and keep their access decisions while it stands.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('access_version', (t) => {
    t.integer('id').primary(); // always 1
    t.bigInteger('version').notNullable();
  });
  // the row exists from the start, so writers only ever update it, never race to create it
  await knex('access_version').insert({ id: 1, version: 1 });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('access_version');
}
