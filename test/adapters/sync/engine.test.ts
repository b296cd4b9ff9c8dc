/**
 * Boundary cases of full and incremental runs, for every source × gateway database pair:
 * shared update times across a batch edge, late commits caught by the look-back, deletes by
 * flag and by the full run's sweep, bad rows, and a source that fails mid-run.
 */
import { knex } from 'knex';
import { FRONTEND_TABLES } from '../../../scripts/demo/frontend';
import { sourceTime } from '../../../scripts/demo/records';
import { SyncEngine } from '../../../adapters/sync/engine';
import { openSource, SourceReader } from '../../../adapters/sources';
import { Job, parseJob, removeJob, saveJob } from '../../../adapters/sync/jobs';
import { targetOf } from '../../../adapters/sync/targets';
import { baseLibrary } from '../../../catalog/libraries';
import { getWatermark } from '../../../adapters/sync/watermarks';
import fs from 'node:fs';
import path from 'node:path';
import { person } from '../../../scripts/demo/records';
import { freshDatabase, STORAGE_TARGETS, tempDir, TestDatabase } from '../../support/databases';
import { expectConverged, frontEnd, FrontEnd, T0 } from '../../support/sync';

const PAIRS = STORAGE_TARGETS.flatMap((s) => STORAGE_TARGETS.map((t) => [s, t] as const));
const P = FRONTEND_TABLES.population;

/** A reader that fails after `okBatches` batches, as a source going down mid-run would. */
function failingAfter(okBatches: number): (job: Job) => SourceReader {
  return (job) => {
    const real = openSource(job);
    let n = 0;
    const trip = () => {
      if (n++ >= okBatches) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    };
    return {
      async *fullBatches(size) {
        for await (const b of real.fullBatches(size)) {
          trip();
          yield b;
        }
      },
      maxCursor: (u) => real.maxCursor(u),
      countAfter: (t) => real.countAfter(t),
      rowsByKeys: (c, v) => real.rowsByKeys(c, v),
      upperBound: (d) => real.upperBound(d),
      pageAfter: async (c, u, l) => {
        trip();
        return real.pageAfter(c, u, l);
      },
      close: () => real.close(),
    };
  };
}

describe.each(PAIRS)('sync from %s into %s', (sourceTarget, gatewayTarget) => {
  let fe: FrontEnd;
  let gw: TestDatabase;
  let engine: SyncEngine;
  const t = (i: number, micros = 0) => sourceTime(T0 + i * 1000, micros);

  beforeEach(async () => {
    fe = await frontEnd(sourceTarget);
    gw = await freshDatabase(gatewayTarget);
    engine = new SyncEngine(gw.db);
  });
  afterEach(async () => {
    await fe.drop();
    await gw.drop();
  });

  async function setup(overrides = {}): Promise<Job> {
    return saveJob(gw.db, fe.job(overrides));
  }
  const run = async (job: Job, mode: 'full' | 'incr') => {
    const o = await engine.run(job, mode);
    if (o.status === 'skipped') throw new Error(o.reason);
    return o;
  };

  it('full run copies everything, counts unchanged rows on a rerun, and sets the watermark to the source maximum', async () => {
    await fe.insertPeople(0, 250);
    const job = await setup();
    const first = await run(job, 'full');
    expect(first.status).toBe('succeeded');
    expect(first.run).toMatchObject({ mode: 'full', read: 250, written: 250, unchanged: 0, rejected: 0, deleted: 0 });
    await expectConverged(fe.db, gw.db);
    expect(await getWatermark(gw.db, job.id)).toEqual({ t: t(249), k: ['RY000000000250'] });
    const second = await run(job, 'full');
    expect(second.run).toMatchObject({ read: 250, written: 0, unchanged: 250 });
  });

  it('incremental run keeps (time, key) order when many rows share one update time across batch edges', async () => {
    await fe.insertPeople(0, 50);
    const job = await setup({ lookbackSeconds: 0, batchSize: 40 });
    await run(job, 'full');
    // 130 rows with one shared time: batches of 40 end in the middle of the group
    const same = t(1000, 123456);
    await fe.insertPeople(50, 130, () => same);
    await fe.db(P).whereIn('RYBH', ['RY000000000003', 'RY000000000004']).update({ GXSJ: same, HJD: '周村区丝绸路街道1号' });
    const o = await run(job, 'incr');
    expect(o.run).toMatchObject({ mode: 'incr', read: 132, written: 132 });
    await expectConverged(fe.db, gw.db);
    expect(await getWatermark(gw.db, job.id)).toEqual({ t: same, k: ['RY000000000180'] });
    const again = await run(job, 'incr');
    expect(again.run.read).toBe(0);
  });

  it('a transaction that commits late with an older update time is caught by the look-back window', async () => {
    // stamps close to the source clock: a late commit lands within the look-back of its stamp
    const now = Date.now();
    await fe.insertPeople(0, 100, (i) => sourceTime(now - 20000 + i * 100));
    const job = await setup({ lookbackSeconds: 30 });
    await run(job, 'full');
    const wm = (await getWatermark(gw.db, job.id))!;
    expect(wm.t).toBe(sourceTime(now - 20000 + 99 * 100));
    // stamped 5 s before the watermark, committed after it was taken
    await fe.insertPeople(100, 1, () => sourceTime(now - 15000));
    await fe.db(P).where({ RYBH: 'RY000000000005' }).update({ GXSJ: sourceTime(now - 12000), XM: '迟到' });
    const o = await run(job, 'incr');
    expect(o.status).toBe('succeeded');
    expect(o.run.drift).toBe(0);
    await expectConverged(fe.db, gw.db);
    expect(await gw.db('population').where({ rybh: 'RY000000000005' }).first()).toMatchObject({ xm: '迟到' });
    // the watermark never moves backwards
    expect(await getWatermark(gw.db, job.id)).toEqual(wm);
  });

  it('propagates delete flags, and a completed full run sweeps rows gone from the source', async () => {
    await fe.insertPeople(0, 120);
    const job = await setup();
    await run(job, 'full');
    await fe.db(P).where({ RYBH: 'RY000000000007' }).update({ SCBZ: 1, GXSJ: t(500) });
    const incr = await run(job, 'incr');
    expect(incr.run.deleted).toBe(1);
    const flagged = await gw.db('population').where({ rybh: 'RY000000000007' }).first();
    expect(Boolean(Number(flagged.deleted))).toBe(true);
    expect(Number(flagged.deleted_at)).toBeGreaterThan(0);

    await fe.db(P).whereIn('RYBH', ['RY000000000010', 'RY000000000011', 'RY000000000012']).del();
    const full = await run(job, 'full');
    expect(full.run.deleted).toBe(3);
    await expectConverged(fe.db, gw.db);
    expect(Number((await gw.db('population').where({ deleted: true }).count({ n: '*' }).first())!.n)).toBe(4);
  });

  it('a full run reads each page of the source once', async () => {
    await fe.insertPeople(0, 250);
    const job = await setup({ batchSize: 100 });
    // every statement of every knex client passes here, the reader's own included
    const query = jest.spyOn(knex.Client.prototype, 'query');
    try {
      expect((await run(job, 'full')).run).toMatchObject({ read: 250, written: 250 });
      const pages = query.mock.calls.map(([, q]) => String((q as { sql?: string }).sql ?? '')).filter((sql) => sql.includes(P) && /order by [`"]?RYBH[`"]? asc/i.test(sql));
      // three pages of 100, 100 and 50: the last, short, one ends the run
      expect(pages).toHaveLength(3);
    } finally {
      query.mockRestore();
    }
  });

  it('a first load into an empty library sweeps nothing and skips the scan; the next full run sweeps', async () => {
    await fe.insertPeople(0, 60);
    const job = await setup();
    const sweeps: string[] = [];
    const seen = (q: { sql: string }) => {
      if (/^update [`"]?population[`"]? set [`"]?deleted[`"]? = /i.test(q.sql)) sweeps.push(q.sql);
    };
    gw.db.on('query', seen);
    try {
      expect((await run(job, 'full')).run).toMatchObject({ written: 60, deleted: 0 });
      expect(sweeps).toHaveLength(0);
      await fe.db(P).where({ RYBH: 'RY000000000009' }).del();
      expect((await run(job, 'full')).run.deleted).toBe(1);
      expect(sweeps).toHaveLength(1);
    } finally {
      gw.db.off('query', seen);
    }
    await expectConverged(fe.db, gw.db);
  });

  it('a full run that fails mid-way deletes nothing and leaves the watermark; the next run converges', async () => {
    await fe.insertPeople(0, 300);
    const job = await setup();
    await run(job, 'full');
    const wm = await getWatermark(gw.db, job.id);
    await fe.db(P).where('RYBH', '>', 'RY000000000250').del();
    await fe.db(P).where({ RYBH: 'RY000000000001' }).update({ HJD: '新地址', GXSJ: t(900) });
    const broken = new SyncEngine(gw.db, { openSource: failingAfter(1) });
    const failed = await broken.run(job, 'full');
    expect(failed.status).toBe('failed');
    if (failed.status !== 'skipped') expect(failed.run.error).toBe('数据库访问失败：连接被拒绝，请检查地址、端口及数据库服务是否已启动');
    expect(Number((await gw.db('population').where({ deleted: true }).count({ n: '*' }).first())!.n)).toBe(0);
    expect(await getWatermark(gw.db, job.id)).toEqual(wm);

    const down = await new SyncEngine(gw.db, { openSource: failingAfter(0) }).run(job, 'incr');
    expect(down.status).toBe('failed');
    expect(await getWatermark(gw.db, job.id)).toEqual(wm);

    // an incremental run failing after its first batch keeps that batch and its watermark only
    await fe.db(P).where('RYBH', '<=', 'RY000000000150').update({ GXSJ: t(2000), XM: '改名' });
    const half = await broken.run(job, 'incr');
    expect(half.status).toBe('failed');
    const mark = (await getWatermark(gw.db, job.id))!;
    expect(mark.t <= t(2000)).toBe(true);
    const stored = await gw.db('population').where({ xm: '改名' }).select('rybh');
    for (const r of await fe.db(P).where({ XM: '改名' }).select('RYBH', 'GXSJ')) {
      const covered = r.GXSJ < mark.t || (r.GXSJ === mark.t && mark.k !== null && r.RYBH <= String(mark.k[0]));
      if (covered) expect(stored.map((s) => s.rybh)).toContain(r.RYBH);
    }

    await run(job, 'incr');
    await run(job, 'full');
    await expectConverged(fe.db, gw.db);
  });

  it('rejects bad rows with reason and raw row, retries a failing batch row by row, and fails past the error limit', async () => {
    await fe.insertPeople(0, 60);
    await fe.db(P).where({ RYBH: 'RY000000000002' }).update({ GMSFZH: '370306199001011234' }); // bad check digit
    await fe.db(P).where({ RYBH: 'RY000000000003' }).update({ MZ: '77' });
    // same ID number as row 9: the unique index refuses it only when written
    const dup = await fe.db(P).where({ RYBH: 'RY000000000009' }).first();
    await fe.db(P).where({ RYBH: 'RY000000000040' }).update({ GMSFZH: dup.GMSFZH });
    const job = await setup({ errorLimit: { records: 10, percent: 50 } });
    const o = await run(job, 'full');
    expect(o.status).toBe('succeeded');
    expect(o.run).toMatchObject({ read: 60, written: 57, rejected: 3 });
    const rejects = await gw.db('sync_rejects').orderBy('row_key');
    expect(rejects.map((r) => [r.row_key, r.reason])).toEqual([
      ['RY000000000002', 'gmsfzh: 公民身份号码校验位错误'],
      ['RY000000000003', 'mz: 民族代码不符合 GB/T 3304'],
      ['RY000000000040', '写入失败：唯一约束冲突（如公民身份号码重复）'],
    ]);
    expect(JSON.parse(rejects[0].raw)).toMatchObject({ RYBH: 'RY000000000002', GMSFZH: '370306199001011234' });

    // another job of the same rows (replacing it: 一数一源): its rejects are new to it (one job's are counted once)
    await removeJob(gw.db, job.id);
    const strict = await setup({ id: 'strict', errorLimit: { records: 1, percent: 50 } });
    const f = await run(strict, 'full');
    expect(f.status).toBe('failed');
    expect(f.run.error).toBe('拒绝记录 3 条，超过上限 1 条');
  });

  it('rejects one of two people sharing an ID number in batches written at the same time', async () => {
    await fe.insertPeople(0, 40);
    const dup = await fe.db(P).where({ RYBH: 'RY000000000009' }).first();
    await fe.db(P).where({ RYBH: 'RY000000000012' }).update({ GMSFZH: dup.GMSFZH });
    const job = await setup({ batchSize: 10 });
    const o = await run(job, 'full');
    expect(o.run).toMatchObject({ read: 40, written: 39, rejected: 1 });
    const [reject] = await gw.db('sync_rejects');
    expect(['RY000000000009', 'RY000000000012']).toContain(reject.row_key);
    const holder = await gw.db('population').where({ gmsfzh: dup.GMSFZH });
    expect(holder).toHaveLength(1);
    expect(holder[0].rybh).not.toBe(reject.row_key);
    // the stored person is one whole source row, not a mix of the two
    const src = await fe.db(P).where({ RYBH: holder[0].rybh }).first();
    expect(holder[0].xm).toBe(src.XM);
  });

  it('rejects a stored person taking an ID number another person holds, leaving both stored rows intact', async () => {
    await fe.insertPeople(0, 20);
    const job = await setup();
    await run(job, 'full');
    const six = await fe.db(P).where({ RYBH: 'RY000000000006' }).first();
    await fe.db(P).where({ RYBH: 'RY000000000005' }).update({ GMSFZH: six.GMSFZH, XM: '冒用', GXSJ: t(700) });
    const o = await run(job, 'incr');
    expect(o.run.rejected).toBe(1);
    expect((await gw.db('sync_rejects').first()).row_key).toBe('RY000000000005');
    expect(await gw.db('population').where({ rybh: 'RY000000000006' }).first()).toMatchObject({ gmsfzh: six.GMSFZH, xm: six.XM });
    expect((await gw.db('population').where({ rybh: 'RY000000000005' }).first()).xm).not.toBe('冒用');
  });

  it('does not run one job twice at once in one process', async () => {
    await fe.insertPeople(0, 300);
    const job = await setup({ throttle: 1000 });
    const [a, b] = await Promise.all([engine.run(job, 'full'), engine.run(job, 'full')]);
    expect([a.status, b.status].sort()).toEqual(['skipped', 'succeeded']);
  });
});

describe('a CSV file source (文件上传)', () => {
  it('is read in full; a repeated key keeps its last version; incremental falls back to full', async () => {
    const gw = await freshDatabase('sqlite');
    try {
      const dir = tempDir();
      const file = path.join(dir, 'people.csv');
      const rows = [0, 1, 2].map((i) => person(3, i));
      const header = 'RYBH,GMSFZH,XM,HJD';
      const line = (p: { RYBH: string; GMSFZH: string; XM: string; HJD: string }, hjd = p.HJD) => [p.RYBH, p.GMSFZH, p.XM, `"${hjd}"`].join(',');
      fs.writeFileSync(file, [header, ...rows.map((p) => line(p)), line(rows[0], '周村区新地址')].join('\n') + '\n');
      const job = await saveJob(gw.db, {
        id: 'csv', source: { csv: file }, target: 'population', key: 'RYBH',
        columns: { RYBH: 'rybh', GMSFZH: 'gmsfzh', XM: 'xm', HJD: 'hjd' },
      });
      const o = await new SyncEngine(gw.db).run(job, 'incr');
      if (o.status === 'skipped') throw new Error(o.reason);
      expect(o.run).toMatchObject({ mode: 'full', status: 'succeeded', read: 4, written: 3 });
      expect((await gw.db('population').where({ rybh: rows[0].RYBH }).first()).hjd).toBe('周村区新地址');
    } finally {
      await gw.drop();
    }
  });
});

describe('job definitions', () => {
  const POPULATION = targetOf(baseLibrary('population'));
  const base = {
    id: 'j', target: 'population', key: 'A',
    source: { client: 'better-sqlite3', connection: { filename: '/x.db' }, table: 'T' },
    columns: { A: 'rybh', B: 'gmsfzh', C: 'xm' },
  };
  const msg = (v: unknown) => {
    try {
      parseJob(v, POPULATION);
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  };
  it('accept a valid definition and apply defaults', () => {
    expect(parseJob(base, POPULATION)).toMatchObject({ keys: ['A'], batchSize: 1000, lookbackSeconds: 60, delaySeconds: 2 });
  });
  it('name the field in a Chinese message', () => {
    expect(msg({ ...base, target: 'People' })).toBe('同步任务定义无效：字段 target 应为库表名（population / legal_entity / licence 或 lib_<资源代码>）或 resource:<资源代码>');
    expect(msg({ ...base, batchSize: 0 })).toBe('同步任务定义无效：字段 batchSize 取值不能小于 1');
    expect(msg({ ...base, columns: { A: 'rybh', B: 'gmsfzh' } })).toBe('同步任务定义无效：字段 columns 未映射 population 的必填列 xm');
    expect(msg({ ...base, colums: {} })).toBe('同步任务定义无效：字段 colums 不是可识别的字段');
    expect(msg({ ...base, schedule: { incremental: 'every minute' } })).toBe('同步任务定义无效：字段 schedule.incremental 不是合法的 cron 表达式');
    expect(msg({ ...base, columns: { ...base.columns, D: 'nope' } })).toBe('同步任务定义无效：字段 columns.D 的目标列 nope 不在 population 中');
  });
});
