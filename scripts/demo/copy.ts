/**
 * One-off copy of the demo front-end tables into the base libraries, in key order, page by
 * page. The sync engine (adapters/sync) is the real path; this keeps `npm start` useful
 * until a job definition exists.
 */
import type { Knex } from 'knex';
import { batchRowsFor } from '../../gateway/store/db';
import { FRONTEND_TABLES } from './frontend';

type Row = Record<string, unknown>;

interface Copy {
  from: string;
  to: string;
  key: string;
  map(r: Row): Row;
}

const bookkeeping = (r: Row, now: number) => ({
  source_job: 'demo-copy',
  src_updated_at: String(r.GXSJ),
  synced_at: now,
  deleted: Number(r.SCBZ) === 1,
  deleted_at: Number(r.SCBZ) === 1 ? now : null,
});

function copies(now: number): Copy[] {
  return [
    {
      from: FRONTEND_TABLES.population,
      to: 'population',
      key: 'RYBH',
      map: (r) => ({
        rybh: r.RYBH, gmsfzh: r.GMSFZH, xm: r.XM, csrq: r.CSRQ, mz: r.MZ, xb: r.XB, jg: r.JG, csd: r.CSD, hjd: r.HJD,
        ...bookkeeping(r, now),
      }),
    },
    {
      from: FRONTEND_TABLES.legalEntity,
      to: 'legal_entity',
      key: 'TYSHXYDM',
      map: (r) => ({
        tyshxydm: r.TYSHXYDM, jgmc: r.JGMC, jglx: r.JGLX, fddbr: r.FDDBR, zczb: r.ZCZB, clrq: r.CLRQ, djjg: r.DJJG, zs: r.ZS,
        jyfw: r.JYFW, djzt: r.DJZT, ...bookkeeping(r, now),
      }),
    },
    {
      from: FRONTEND_TABLES.licence,
      to: 'licence',
      key: 'ZZBH',
      map: (r) => ({
        zzbh: r.ZZBH, zzmc: r.ZZMC, zzlxdm: r.ZZLXDM, czzt: r.CZZT, czztdm: r.CZZTDM, czztdmlx: r.CZZTDMLX, zzbfjg: r.ZZBFJG,
        zzbfrq: r.ZZBFRQ, zzyxqqsrq: r.ZZYXQQSRQ, zzyxqjzrq: r.ZZYXQJZRQ, zzzt: r.ZZZT, sxmc: r.SXMC, ...bookkeeping(r, now),
      }),
    },
  ];
}

export async function copyFrontendIntoBase(source: Knex, target: Knex): Promise<Record<string, number>> {
  const now = Date.now();
  const counts: Record<string, number> = {};
  for (const c of copies(now)) {
    let last: unknown = null;
    let n = 0;
    const page = 2000;
    for (;;) {
      const q = source(c.from).orderBy(c.key).limit(page);
      if (last !== null) q.where(c.key, '>', last as string);
      const rows = (await q) as Row[];
      if (rows.length === 0) break;
      const mapped = rows.map(c.map);
      const batch = batchRowsFor(target, Object.keys(mapped[0]).length);
      await target.transaction(async (trx) => {
        for (let i = 0; i < mapped.length; i += batch) {
          await trx(c.to).insert(mapped.slice(i, i + batch)).onConflict(c.key.toLowerCase()).merge();
        }
      });
      n += rows.length;
      last = rows[rows.length - 1][c.key];
    }
    counts[c.to] = n;
  }
  return counts;
}
