/**
 * 区民政局's demo front-end table MZ_HYDJ (婚姻登记): a few hundred of the 公安 table's people,
 * with 姓名 / 民族 / 户籍地 as 民政 recorded them — a handful deliberately different, so that a newcomer's first start shows 校核差异. Built from the 公安 table itself,
 * so it also fits a front-end database made before it existed.
 */
import type { Knex } from 'knex';
import { microsTimeColumn } from '../../core/dialect';
import { FRONTEND_TABLES } from './frontend';
import { personKey, PersonRow } from './records';

export const CIVIL_AFFAIRS_TABLE = 'MZ_HYDJ';

/** every 25th person, at most 400 */
const EVERY = 25;
const AT_MOST = 400;

/** Deliberate differences from the 公安 record, by position in MZ_HYDJ. */
export const DELIBERATE_DIFFERENCES: Readonly<Record<number, 'hjd' | 'mz' | 'xm'>> = { 1: 'hjd', 4: 'mz', 6: 'hjd', 9: 'xm', 10: 'hjd' };

export interface CivilAffairsRow {
  RYBH: string;
  GMSFZH: string;
  XM: string;
  MZ: string;
  HJD: string;
  GXSJ: string;
  SCBZ: number;
}

/** Indexes (0-based, as records.ts counts) of the people 民政 holds. */
export function civilAffairsPeople(people: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < people && out.length < AT_MOST; i += EVERY) out.push(i);
  return out;
}

/** 民政's version of a person: the same, except at the deliberate positions. */
export function civilAffairsRecord(p: Pick<PersonRow, 'RYBH' | 'GMSFZH' | 'XM' | 'MZ' | 'HJD' | 'GXSJ'>, position: number): CivilAffairsRow {
  const row: CivilAffairsRow = { RYBH: p.RYBH, GMSFZH: p.GMSFZH, XM: p.XM, MZ: p.MZ, HJD: p.HJD, GXSJ: p.GXSJ, SCBZ: 0 };
  switch (DELIBERATE_DIFFERENCES[position]) {
    case 'hjd': row.HJD = `${p.HJD.replace(/号$/, '')}附1号`; break; // an address 民政 has not updated
    case 'mz': row.MZ = p.MZ === '01' ? '02' : '01'; break;
    case 'xm': row.XM = p.XM.slice(0, -1) + (p.XM.endsWith('华') ? '明' : '华'); break;
  }
  return row;
}

export async function createCivilAffairsTable(db: Knex): Promise<void> {
  await db.schema.createTable(CIVIL_AFFAIRS_TABLE, (t) => {
    t.string('RYBH', 32).primary();
    t.string('GMSFZH', 18).notNullable();
    t.string('XM', 64).notNullable();
    t.string('MZ', 2);
    t.string('HJD', 256);
    microsTimeColumn(db, t, 'GXSJ').notNullable();
    t.integer('SCBZ').notNullable().defaultTo(0);
  });
}

/** Fills MZ_HYDJ from the people in the 公安 table. */
export async function fillCivilAffairs(db: Knex): Promise<number> {
  const count = Number((await db(FRONTEND_TABLES.population).count({ n: '*' }).first())!.n);
  const keys = civilAffairsPeople(count).map(personKey);
  const rows: CivilAffairsRow[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    const found = await db(FRONTEND_TABLES.population).whereIn('RYBH', keys.slice(i, i + 500)).orderBy('RYBH');
    for (const p of found) rows.push(civilAffairsRecord({ ...p, GXSJ: String(p.GXSJ) }, rows.length));
  }
  for (let i = 0; i < rows.length; i += 100) await db(CIVIL_AFFAIRS_TABLE).insert(rows.slice(i, i + 100));
  return rows.length;
}
