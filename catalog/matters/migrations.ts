/**
 * The tables of the 事项数据需求清单 (issue 13), one DDL change per migration. Registered in
 * scripts/app/migrations.ts under the 13x numbers.
 */
import type { Knex } from 'knex';
import type { Migration } from '../../core/db';

/** 政务服务事项: the 214 licensing items of 附件4 (seeded) and those the operator adds. */
const matters: Migration = {
  async up(knex: Knex) {
    await knex.schema.createTable('matters', (t) => {
      t.string('code', 32).primary(); // 事项编码: XK001 … XK214 for 附件4
      t.string('name', 256).notNullable(); // 事项名称
      t.string('department_code', 32).notNullable().index(); // 实施部门
      t.string('kind', 16).notNullable(); // 行政许可 / 公共服务 / 其他
      t.string('source', 16).notNullable(); // gazette / operator
      t.string('result', 256).nullable(); // 办理结果
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('matters');
  },
};

/** 申请材料: what an applicant hands in for a 事项, and the data that could replace it. */
const materials: Migration = {
  async up(knex: Knex) {
    await knex.schema.createTable('matter_materials', (t) => {
      t.increments('id').primary();
      t.string('matter_code', 32).notNullable();
      t.integer('position').notNullable();
      t.string('name', 128).notNullable(); // 材料名称
      t.text('items').notNullable(); // 信息项名称, JSON array
      t.string('provider_code', 32).notNullable(); // 提供单位
      t.string('usage', 8).notNullable(); // 使用方式: 查询 / 核验 / 批量比对
      t.string('purpose', 256).notNullable(); // 使用目的
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.unique(['matter_code', 'name']);
    });
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('matter_materials');
  },
};

/**
 * The 事项 a lookup was made for. Kept outside the hashed fields of the audit chain: the
 * purpose text, which is hashed, already starts with the code; this column only indexes it.
 */
const auditMatter: Migration = {
  async up(knex: Knex) {
    await knex.schema.alterTable('audit_log', (t) => {
      t.string('matter_code', 32).nullable();
    });
  },
  async down(knex: Knex) {
    await knex.schema.alterTable('audit_log', (t) => {
      t.dropColumn('matter_code');
    });
  },
};

const auditMatterIndex: Migration = {
  async up(knex: Knex) {
    await knex.schema.alterTable('audit_log', (t) => {
      t.index(['matter_code', 'at'], 'audit_log_matter_at');
    });
  },
  async down(knex: Knex) {
    await knex.schema.alterTable('audit_log', (t) => {
      t.dropIndex(['matter_code', 'at'], 'audit_log_matter_at');
    });
  },
};

export const MATTER_MIGRATIONS: Record<string, Migration> = {
  '130_matters': matters,
  '131_matter_materials': materials,
  '132_audit_matter_code': auditMatter,
  '133_audit_matter_index': auditMatterIndex,
};
