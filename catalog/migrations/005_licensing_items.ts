import type { Knex } from 'knex';

/** 附件4: the district's licensing items (行政许可事项), parsed from the gazette. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('licensing_items', (t) => {
    t.integer('seq').primary(); // 序号
    t.string('code', 16).notNullable().unique(); // 证照类型代码, derived from 序号
    t.string('department', 64).notNullable(); // 实施部门
    t.string('name', 256).notNullable(); // 事项名称
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('licensing_items');
}
