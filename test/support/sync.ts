/**
 * Sync test fixtures: a private front-end database (SQLite file or MariaDB schema) with the
 * demo's GA_RK_JBXX table, a job definition over it, and a comparison of source and target.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { createFrontendTables, FRONTEND_TABLES } from '../../scripts/demo/frontend';
import { person, sourceTime, PersonRow } from '../../scripts/demo/records';
import type { JobDefinition } from '../../adapters/sync/jobs';
import { freshDatabase, Target, TestDatabase } from './databases';

export const SEED = 7;
export const T0 = Date.UTC(2026, 2, 1); // source update times well in the past of the source clock

export interface FrontEnd {
  database: TestDatabase;
  db: Knex;
  job(overrides?: Partial<JobDefinition>): JobDefinition;
  insertPeople(from: number, count: number, time?: (i: number) => string): Promise<PersonRow[]>;
  drop(): Promise<void>;
}

export async function frontEnd(target: Target, jobId = 'pop'): Promise<FrontEnd> {
  const database = await freshDatabase(target, { migrate: false });
  await createFrontendTables(database.db);
  return {
    database,
    db: database.db,
    job: (overrides = {}) => ({
      id: jobId,
      source: target === 'mysql'
        ? { client: 'mysql2', connection: database.url, table: FRONTEND_TABLES.population }
        : { client: 'better-sqlite3', connection: { filename: database.url }, table: FRONTEND_TABLES.population },
      target: 'population',
      key: 'RYBH',
      updateTime: 'GXSJ',
      deleteFlag: { column: 'SCBZ', value: 1 },
      columns: { RYBH: 'rybh', GMSFZH: 'gmsfzh', XM: 'xm', CSRQ: 'csrq', MZ: 'mz', XB: 'xb', JG: 'jg', CSD: 'csd', HJD: 'hjd' },
      batchSize: 100,
      lookbackSeconds: 60,
      delaySeconds: 2,
      ...overrides,
    }),
    async insertPeople(from, count, time = (i) => sourceTime(T0 + i * 1000)) {
      const rows: PersonRow[] = [];
      for (let i = from; i < from + count; i++) rows.push({ ...person(SEED, i), GXSJ: time(i) });
      for (let i = 0; i < rows.length; i += 200) await database.db(FRONTEND_TABLES.population).insert(rows.slice(i, i + 200));
      return rows;
    },
    drop: () => database.drop(),
  };
}

const BUSINESS = ['RYBH', 'GMSFZH', 'XM', 'CSRQ', 'MZ', 'XB', 'JG', 'CSD', 'HJD'];

function digest(values: unknown[]): string {
  return crypto.createHash('md5').update(JSON.stringify(values.map((v) => (v == null ? null : String(v))))).digest('hex');
}

/** key → checksum of the business columns, for live rows of source (SCBZ=0) and target (deleted=0). */
export async function liveChecksums(source: Knex, target: Knex): Promise<{ source: Map<string, string>; target: Map<string, string> }> {
  const src = new Map<string, string>();
  for (const r of await source(FRONTEND_TABLES.population).where({ SCBZ: 0 }).select(BUSINESS)) src.set(r.RYBH, digest(BUSINESS.map((c) => r[c])));
  const tgt = new Map<string, string>();
  const cols = BUSINESS.map((c) => c.toLowerCase());
  for (const r of await target('population').where({ deleted: false }).select(cols)) tgt.set(r.rybh, digest(cols.map((c) => r[c])));
  return { source: src, target: tgt };
}

export async function expectConverged(source: Knex, target: Knex): Promise<void> {
  const { source: s, target: t } = await liveChecksums(source, target);
  expect(t.size).toBe(s.size);
  const diff = [...s].filter(([k, h]) => t.get(k) !== h).map(([k]) => k);
  expect(diff).toEqual([]);
}
