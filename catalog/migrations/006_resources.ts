import type { Knex } from 'knex';

/**
 * 政务信息资源: one row per (code, version). Searchable metadata are columns; the full
 * registration is kept as JSON text and parsed in the repository layer.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('resources', (t) => {
    t.increments('id').primary();
    t.string('code', 64).notNullable(); // 分类码/顺序码
    t.integer('version').notNullable();
    t.string('status', 16).notNullable(); // draft / published / rejected / retired / superseded
    t.string('name', 256).notNullable();
    t.string('provider_code', 32).notNullable();
    t.string('category', 8).notNullable(); // 基础 / 主题 / 部门
    t.string('share_type', 1).notNullable(); // 1 无条件 / 2 有条件 / 3 不予共享
    t.string('share_mode', 8).notNullable(); // 库表 / 接口 / 文件
    t.string('update_cycle', 8).notNullable();
    t.text('summary').nullable();
    t.text('body').notNullable(); // the whole registration (JSON)
    t.text('review_note').nullable();
    t.bigInteger('published_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['code', 'version']);
    t.index(['status', 'provider_code']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('resources');
}
