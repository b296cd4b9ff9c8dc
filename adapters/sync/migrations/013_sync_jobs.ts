import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sync_jobs', (t) => {
    t.string('id', 64).primary();
    t.string('target', 32).notNullable(); // population / legal_entity / licence
    t.text('definition').notNullable(); // JSON, validated by schemas/sync-job.schema.json
    t.boolean('enabled').notNullable().defaultTo(true);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sync_jobs');
}
