import type { Knex } from 'knex';

/** Search filters on status and sorts by update time; one index serves both. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('resources', (t) => {
    t.index(['status', 'updated_at'], 'resources_status_updated_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('resources', (t) => {
    t.dropIndex(['status', 'updated_at'], 'resources_status_updated_idx');
  });
}
