import type { Knex } from 'knex';

/**
 * Append-only lookup audit. The query key is stored only as a keyed hash (HMAC), so the
 * operator can answer "who looked me up" without the table holding plain ID numbers.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('at').notNullable();
    t.string('request_id', 64).notNullable();
    t.string('consumer_id', 64).nullable();
    t.string('method', 64).notNullable();
    t.string('interface', 8).notNullable(); // json / soap
    t.string('purpose', 512).nullable();
    t.string('query_key_hash', 64).nullable().index();
    t.string('result_code', 3).notNullable();
    t.integer('rows').notNullable();
    t.string('prev_hash', 64).nullable();
    t.string('hash', 64).nullable();
    t.index(['consumer_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
}
