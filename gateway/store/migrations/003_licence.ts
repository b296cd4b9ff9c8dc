import type { Knex } from 'knex';
import { syncBookkeeping } from './columns';

/** 电子证照库 (getDZZZ / getDZZZHY). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('licence', (t) => {
    t.string('zzbh', 64).primary(); // 证照编号
    t.string('zzmc', 128).notNullable(); // 证照名称
    t.string('zzlxdm', 16).notNullable(); // 证照类型代码 (licensing item code)
    t.string('czzt', 256).notNullable(); // 持证主体
    t.string('czztdm', 18).notNullable(); // 持证主体代码
    t.string('czztdmlx', 16).notNullable(); // 持证主体代码类型
    t.string('zzbfjg', 128).nullable(); // 证照颁发机构
    t.string('zzbfrq', 8).nullable(); // 证照颁发日期
    t.string('zzyxqqsrq', 8).nullable(); // 有效期起始日期
    t.string('zzyxqjzrq', 8).nullable(); // 有效期截止日期 (null: 长期)
    t.string('zzzt', 8).notNullable(); // 证照状态
    t.string('sxmc', 256).nullable(); // 事项名称
    syncBookkeeping(t);
    t.index(['czztdm', 'zzlxdm']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('licence');
}
