import type { Knex } from 'knex';

/** Grants: which items of a resource a consumer may see, and which come out masked. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('grants', (t) => {
    t.increments('id').primary();
    t.string('consumer_id', 64).notNullable();
    t.string('resource_code', 64).notNullable();
    t.integer('application_id').nullable();
    t.text('items').notNullable(); // JSON array of field names
    t.text('masked_items').notNullable(); // JSON array of field names
    t.bigInteger('expires_at').nullable();
    t.bigInteger('revoked_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.index(['consumer_id', 'resource_code']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('grants');
}
