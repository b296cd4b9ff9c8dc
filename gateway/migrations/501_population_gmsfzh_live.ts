import type { Knex } from 'knex';
import { addLiveValueColumn } from '../../core/dialect';

/**
 * 公民身份号码 is unique among LIVE people only: a soft-deleted row must not hold the number
 * against a re-registration or a key change. MariaDB has no partial index, so the live value
 * is a virtual column (NULL once deleted; NULLs never clash) that a unique index covers; the
 * database derives it, so no writer can forget it. Lookups keep using gmsfzh.
 * Beware on SQLite: a later knex alterTable that rebuilds `population` (dropColumn, alter)
 * copies only plain columns — re-add this column and 502's index in the same migration.
 */
export async function up(knex: Knex): Promise<void> {
  await addLiveValueColumn(knex, 'population', 'gmsfzh_live', 'gmsfzh', 18);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table `population` drop column `gmsfzh_live`');
}
