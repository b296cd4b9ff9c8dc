import type { Knex } from 'knex';

/** Interfaces (methods) a resource is served by. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('interfaces', (t) => {
    t.string('method', 64).primary(); // getRKZP …
    t.string('resource_code', 64).notNullable().index();
    t.string('name', 128).notNullable(); // 接口名称
    t.text('function').nullable(); // 资源功能
    t.string('network', 64).notNullable().defaultTo('政务外网（行政服务域）'); // 承载网络
    t.text('remark').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('interfaces');
}
