import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sync_runs', (t) => {
    t.bigIncrements('id').primary();
    t.string('job_id', 64).notNullable();
    t.string('mode', 8).notNullable(); // full / incr
    t.string('status', 16).notNullable(); // running / succeeded / failed
    t.bigInteger('started_at').notNullable();
    t.bigInteger('ended_at').nullable();
    t.bigInteger('rows_read').notNullable().defaultTo(0);
    t.bigInteger('rows_written').notNullable().defaultTo(0);
    t.bigInteger('rows_unchanged').notNullable().defaultTo(0);
    t.bigInteger('rows_rejected').notNullable().defaultTo(0);
    t.bigInteger('rows_deleted').notNullable().defaultTo(0);
    t.text('error').nullable();
    t.string('host', 128).nullable();
    t.index(['job_id', 'started_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sync_runs');
}
