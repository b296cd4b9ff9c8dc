import type { Knex } from 'knex';

/** Leases let exactly one gateway process run a scheduled job; an expired lease is free. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('leases', (t) => {
    t.string('name', 128).primary();
    t.string('holder', 128).notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('acquired_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('leases');
}
