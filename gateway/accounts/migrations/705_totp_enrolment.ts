import type { Knex } from 'knex';

/**
 * A person enrols their own authenticator: the secret offered waits here until a code from it
 * is confirmed, and only then becomes the account's totp_secret (the operator never sees it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.string('totp_pending_secret', 64).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.dropColumn('totp_pending_secret');
  });
}
