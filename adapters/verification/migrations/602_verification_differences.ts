import type { Knex } from 'knex';

/**
 * 校核差异: one per (library, record, item, other source), where the other source is a
 * verification job or an intra-record rule (`rule:…`). Closed (closed_at set) when the values
 * agree again; reopened as 待核实 if they part again.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('verification_differences', (t) => {
    t.increments('id').primary();
    t.string('library', 32).notNullable();
    t.string('record_key', 64).notNullable();
    t.string('item', 32).notNullable();
    t.text('authoritative_value').nullable();
    t.string('authoritative_job', 64).nullable();
    t.string('department', 16).nullable(); // the owning department of the item (its officers may resolve)
    t.text('other_value').nullable();
    t.string('source', 64).notNullable(); // the verification job, or rule:<id>
    t.bigInteger('first_seen').notNullable();
    t.bigInteger('last_seen').notNullable();
    t.string('state', 8).notNullable().defaultTo('待核实'); // 待核实 / 已确认 / 已忽略
    t.string('resolved_by', 64).nullable();
    t.bigInteger('resolved_at').nullable();
    t.string('resolution_note', 512).nullable();
    t.bigInteger('closed_at').nullable();
    t.unique(['library', 'record_key', 'item', 'source']);
    t.index(['library', 'item', 'state']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('verification_differences');
}
