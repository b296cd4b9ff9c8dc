/**
 * Changes some demo front-end rows the way a department system would: a new 户籍地 and a
 * fresh GXSJ from the source's own clock, now and then a 删除标志, so a newcomer can watch the
 * scheduler's incremental runs carry them over.
 */
import type { Knex } from 'knex';
import { nowMicrosTextSql } from '../../core/dialect';
import { FRONTEND_TABLES } from './frontend';
import { ZHOUCUN_STREETS } from './vocabulary';

export interface TouchResult {
  updated: number;
  deleted: number;
}

export async function touchPeople(db: Knex, count: number, deleteEvery = 20): Promise<TouchResult> {
  const table = FRONTEND_TABLES.population;
  const total = Number((await db(table).count({ n: '*' }).first())?.n ?? 0);
  if (total === 0 || count === 0) return { updated: 0, deleted: 0 };
  const step = Math.max(1, Math.floor(total / count));
  const offset = Math.floor(Math.random() * step);
  const result: TouchResult = { updated: 0, deleted: 0 };
  for (let i = 0; i < count && offset + i * step < total; i++) {
    const row = await db(table).select('RYBH').orderBy('RYBH').offset(offset + i * step).limit(1).first();
    if (!row) break;
    const del = deleteEvery > 0 && i % deleteEvery === deleteEvery - 1;
    const street = ZHOUCUN_STREETS[Math.floor(Math.random() * ZHOUCUN_STREETS.length)];
    await db(table)
      .where({ RYBH: row.RYBH })
      .update({
        HJD: `山东省淄博市周村区${street}${1 + Math.floor(Math.random() * 300)}号`,
        SCBZ: del ? 1 : 0,
        GXSJ: db.raw(nowMicrosTextSql(db)),
      });
    result.updated++;
    if (del) result.deleted++;
  }
  return result;
}
