/**
 * The demo front-end database (前置机): three department tables, as a 公安, a 工商 and a
 * licence system would expose them, filled with synthetic records. Works on any knex
 * target (SQLite for the demo, MariaDB for the sync benchmark).
 */
import type { Knex } from 'knex';
import { batchRowsFor, microsTimeColumn } from '../../core/dialect';
import type { LicensingItem } from '../../catalog/gazette';
import { entity, licence, person } from './records';
import { asRecorded } from './inconsistencies';

export const FRONTEND_TABLES = {
  population: 'GA_RK_JBXX', // 公安 人口基本信息
  legalEntity: 'GS_QY_DJXX', // 工商 企业登记信息
  licence: 'ZZ_DZZZ_XX', // 电子证照信息
} as const;

export interface DemoSize {
  people: number;
  entities: number;
  licences: number;
  seed: number;
}

export const DEFAULT_DEMO_SIZE: DemoSize = { people: 10000, entities: 2000, licences: 5000, seed: 20181009 };

/** GXSJ keeps microseconds on both databases (see microsTimeColumn). */
function updateTimeColumn(db: Knex, t: Knex.CreateTableBuilder): void {
  microsTimeColumn(db, t, 'GXSJ').notNullable();
  t.integer('SCBZ').notNullable().defaultTo(0); // 删除标志
}

export async function createFrontendTables(db: Knex): Promise<void> {
  await db.schema.createTable(FRONTEND_TABLES.population, (t) => {
    t.string('RYBH', 32).primary();
    t.string('GMSFZH', 18).notNullable();
    t.string('XM', 64).notNullable();
    t.string('CSRQ', 8);
    t.string('MZ', 2);
    t.string('XB', 1);
    t.string('JG', 128);
    t.string('CSD', 256);
    t.string('HJD', 256);
    updateTimeColumn(db, t);
    t.index(['GXSJ', 'RYBH']);
  });
  await db.schema.createTable(FRONTEND_TABLES.legalEntity, (t) => {
    t.string('TYSHXYDM', 18).primary();
    t.string('JGMC', 256).notNullable();
    t.string('JGLX', 64);
    t.string('FDDBR', 64);
    t.bigInteger('ZCZB');
    t.string('CLRQ', 8);
    t.string('DJJG', 128);
    t.string('ZS', 256);
    t.text('JYFW');
    t.string('DJZT', 16);
    updateTimeColumn(db, t);
    t.index(['GXSJ', 'TYSHXYDM']);
  });
  await db.schema.createTable(FRONTEND_TABLES.licence, (t) => {
    t.string('ZZBH', 64).primary();
    t.string('ZZMC', 128).notNullable();
    t.string('ZZLXDM', 16).notNullable();
    t.string('CZZT', 256).notNullable();
    t.string('CZZTDM', 18).notNullable();
    t.string('CZZTDMLX', 16).notNullable();
    t.string('ZZBFJG', 128);
    t.string('ZZBFRQ', 8);
    t.string('ZZYXQQSRQ', 8);
    t.string('ZZYXQJZRQ', 8);
    t.string('ZZZT', 8).notNullable();
    t.string('SXMC', 256);
    updateTimeColumn(db, t);
    t.index(['GXSJ', 'ZZBH']);
  });
}

async function fill<T extends object>(
  db: Knex,
  table: string,
  count: number,
  make: (i: number) => T,
  onProgress?: (table: string, done: number, total: number) => void,
): Promise<void> {
  if (count === 0) return;
  const columns = Object.keys(make(0)).length;
  const batch = batchRowsFor(db, columns, 1000);
  // SQLite: one transaction per 50k rows keeps the journal small and the fill fast
  const chunk = 50000;
  for (let start = 0; start < count; start += chunk) {
    const end = Math.min(count, start + chunk);
    await db.transaction(async (trx) => {
      for (let i = start; i < end; i += batch) {
        const rows: T[] = [];
        for (let j = i; j < Math.min(end, i + batch); j++) rows.push(make(j));
        await trx(table).insert(rows);
      }
    });
    onProgress?.(table, end, count);
  }
}

export async function fillFrontend(
  db: Knex,
  size: DemoSize,
  items: readonly LicensingItem[],
  onProgress?: (table: string, done: number, total: number) => void,
): Promise<void> {
  await fill(db, FRONTEND_TABLES.population, size.people, (i) => asRecorded(person(size.seed, i), i), onProgress);
  await fill(db, FRONTEND_TABLES.legalEntity, size.entities, (i) => entity(size.seed, i), onProgress);
  await fill(db, FRONTEND_TABLES.licence, size.licences, (i) => licence(size.seed, i, items, size.people, size.entities), onProgress);
}

