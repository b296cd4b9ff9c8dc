import type { Knex } from 'knex';
import { syncBookkeeping } from './columns';

/** 人口基础库 — fields of the 附件3 template (getRKZP). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('population', (t) => {
    t.string('rybh', 32).primary(); // 人员编码
    t.string('gmsfzh', 18).notNullable().unique(); // 公民身份号码
    t.string('xm', 64).notNullable(); // 姓名
    t.string('csrq', 8).nullable(); // 出生日期 YYYYMMDD
    t.string('mz', 2).nullable(); // 民族 GB/T 3304
    t.string('xb', 1).nullable(); // 性别 GB/T 2261.1
    t.string('jg', 128).nullable(); // 籍贯
    t.string('csd', 256).nullable(); // 出生地
    t.string('hjd', 256).nullable(); // 户籍地
    syncBookkeeping(t);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('population');
}
