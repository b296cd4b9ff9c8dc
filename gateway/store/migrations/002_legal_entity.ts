import type { Knex } from 'knex';
import { syncBookkeeping } from './columns';

/** 法人单位基础库 (getFRXX). Registered capital is an integer in 元 (no floats for money). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('legal_entity', (t) => {
    t.string('tyshxydm', 18).primary(); // 统一社会信用代码
    t.string('jgmc', 256).notNullable().index(); // 机构名称
    t.string('jglx', 64).nullable(); // 机构类型
    t.string('fddbr', 64).nullable(); // 法定代表人
    t.bigInteger('zczb').nullable(); // 注册资本（元）
    t.string('clrq', 8).nullable(); // 成立日期 YYYYMMDD
    t.string('djjg', 128).nullable(); // 登记机关
    t.string('zs', 256).nullable(); // 住所
    t.text('jyfw').nullable(); // 经营范围
    t.string('djzt', 16).nullable(); // 登记状态
    syncBookkeeping(t);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('legal_entity');
}
