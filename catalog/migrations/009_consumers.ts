import type { Knex } from 'knex';

/** Registered callers (approval windows). Secrets are stored as slow hashes only. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('consumers', (t) => {
    t.string('id', 64).primary(); // client id
    t.string('name', 128).notNullable();
    t.string('department_code', 32).nullable();
    t.string('secret_hash', 256).notNullable();
    t.text('methods').notNullable(); // JSON array of lookups the consumer may call
    t.boolean('disabled').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('consumers');
}
