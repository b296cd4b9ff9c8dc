import type { Knex } from 'knex';

/** 共享需求 (附件2 政务信息资源共享需求调研表). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('demands', (t) => {
    t.increments('id').primary();
    t.string('department_code', 32).notNullable(); // 需求单位
    t.text('body').notNullable(); // the form (JSON)
    t.string('status', 16).notNullable().defaultTo('open');
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('demands');
}
