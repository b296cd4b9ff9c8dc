import type { Knex } from 'knex';

/** The person a lookup was made for (a signed-in clerk, or a system's X-User-Id), besides the system. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_log', (t) => {
    t.string('user_id', 64).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_log', (t) => {
    t.dropColumn('user_id');
  });
}
