import type { Knex } from 'knex';

/** Every sign-in, failure, lock, sign-out and idle expiry (等保: 登录日志). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sign_in_events', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('at').notNullable();
    t.string('username', 64).notNullable();
    t.string('event', 16).notNullable(); // sign_in / failure / locked / sign_out / expired
    t.string('reason', 128).nullable();
    t.string('ip', 64).nullable();
    t.index(['username', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sign_in_events');
}
