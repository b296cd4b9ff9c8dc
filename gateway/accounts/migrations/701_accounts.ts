import type { Knex } from 'knex';

/**
 * Workbench accounts: people, not systems. An officer is bound to a department, a clerk to a
 * consumer system; operators and auditors to neither. Passwords are scrypt hashes only.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('accounts', (t) => {
    t.string('username', 64).primary();
    t.string('display_name', 64).notNullable();
    t.string('role', 16).notNullable(); // officer / operator / clerk / auditor
    t.string('department_code', 32).nullable();
    t.string('consumer_id', 64).nullable();
    t.string('password_hash', 256).notNullable();
    // a one-time password (new account, reset) must be changed before anything else
    t.boolean('must_change_password').notNullable().defaultTo(true);
    t.string('totp_secret', 64).nullable(); // base32, operator and auditor accounts
    t.bigInteger('totp_last_step').nullable(); // a code is accepted once
    t.integer('failures').notNullable().defaultTo(0);
    t.bigInteger('locked_until').nullable();
    t.boolean('disabled').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('accounts');
}
