/**
 * The sync rules that protect people's data, each tested at its edges (issue 17), for every
 * source × gateway database pair: a full run sweeps only its own job's rows; every error
 * limit holds exactly at its boundary, and the final check comes before the sweep and the
 * watermark; the watermark commits with its batch and never moves backwards, whichever step
 * of a batch fails. Deterministic versions of what the crash suite finds by chance.
 */
import { FRONTEND_TABLES } from '../../../scripts/demo/frontend';
import { sourceTime } from '../../../scripts/demo/records';
import type { BatchStep } from '../../../adapters/sync/context';
import { MIN_ROWS_FOR_PERCENT, SyncEngine } from '../../../adapters/sync/engine';
import { Job, removeJob, saveJob } from '../../../adapters/sync/jobs';
import type { RunMode } from '../../../adapters/sync/runs';
import { compareCursors, getWatermark } from '../../../adapters/sync/watermarks';
import type { Cursor } from '../../../adapters/sources';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../../support/databases';
import { expectConverged, frontEnd, FrontEnd, T0 } from '../../support/sync';

const PAIRS = STORAGE_TARGETS.flatMap((s) => STORAGE_TARGETS.map((t) => [s, t] as const));
const P = FRONTEND_TABLES.population;
const key = (i: number) => 'RY' + String(i).padStart(12, '0');

jest.setTimeout(60000);

/**
 * Throws at the `nth` time a run of `mode` reaches `step` (counted per step: on MariaDB a full
 * run writes two batches at once, so the steps of batches interleave).
 */
function failAt(mode: RunMode, step: BatchStep, nth = 1) {
  let n = 0;
  return async (s: BatchStep, m: RunMode) => {
    if (m === mode && s === step && ++n === nth) throw Object.assign(new Error('injected'), { code: 'ECONNRESET' });
  };
}

describe.each(PAIRS)('sync rules from %s into %s', (sourceTarget, gatewayTarget) => {
  let fe: FrontEnd;
  let gw: TestDatabase;
  const t = (i: number) => sourceTime(T0 + i * 1000);

  beforeEach(async () => {
    fe = await frontEnd(sourceTarget);
    gw = await freshDatabase(gatewayTarget);
  });
  afterEach(async () => {
    await fe.drop();
    await gw.drop();
  });

  const setup = (overrides = {}): Promise<Job> => saveJob(gw.db, fe.job(overrides));
  const run = async (job: Job, mode: RunMode, engine = new SyncEngine(gw.db)) => {
    const o = await engine.run(job, mode);
    if (o.status === 'skipped') throw new Error(o.reason);
    return o.run;
  };
  const liveCount = async (where: Record<string, unknown> = {}) =>
    Number((await gw.db('population').where({ deleted: false, ...where }).count({ n: '*' }).first())!.n);
  const markBad = (keys: string[]) => fe.db(P).whereIn('RYBH', keys).update({ MZ: '77' });

  describe('two jobs on one library', () => {
    it("a full run's sweep deletes only its own job's rows", async () => {
      const other = await frontEnd(sourceTarget, 'other');
      try {
        await fe.insertPeople(0, 30);
        await other.insertPeople(100, 20);
        // 一数一源: one job owns the items at a time; the records of a feed it replaced stay
        await run(await saveJob(gw.db, other.job()), 'full');
        await removeJob(gw.db, 'other');
        const mine = await setup();
        await run(mine, 'full');
        expect(await liveCount()).toBe(50);
        await fe.db(P).where({ RYBH: key(3) }).del();
        const full = await run(mine, 'full');
        expect(full).toMatchObject({ status: 'succeeded', deleted: 1 });
        expect(await liveCount({ source_job: 'other' })).toBe(20);
        expect(await liveCount({ source_job: 'pop' })).toBe(29);
      } finally {
        await other.drop();
      }
    });
  });

  describe('error limits', () => {
    it.each([
      [3, 3, 'succeeded'],
      [3, 4, 'failed'],
    ])('records limit %i with %i rejects: %s', async (records, bad, status) => {
      await fe.insertPeople(0, 40);
      await markBad(Array.from({ length: bad }, (_, i) => key(5 + i)));
      const r = await run(await setup({ errorLimit: { records, percent: 100 } }), 'full');
      expect(r).toMatchObject({ status, rejected: bad });
      if (status === 'failed') expect(r.error).toBe(`拒绝记录 ${bad} 条，超过上限 ${records} 条`);
    });

    it('the records limit stops a run at the batch that passes it, not at its end', async () => {
      await fe.insertPeople(0, 100);
      await markBad([key(1), key(2), key(3)]);
      const r = await run(await setup({ batchSize: 10, errorLimit: { records: 2, percent: 100 } }), 'full');
      expect(r).toMatchObject({ status: 'failed', rejected: 3 });
      // MariaDB writes two batches at once: the one in flight is finished, no more
      expect(r.read).toBeLessThanOrEqual(20);
    });

    it.each([
      [MIN_ROWS_FOR_PERCENT, 5, 'succeeded'], // exactly 5 %
      [MIN_ROWS_FOR_PERCENT, 6, 'failed'], // 6 %
      [MIN_ROWS_FOR_PERCENT - 1, 6, 'succeeded'], // 6.1 %, but too few rows to judge by percentage
    ])('percent limit 5 over %i rows with %i rejects: %s', async (rows, bad, status) => {
      await fe.insertPeople(0, rows);
      await markBad(Array.from({ length: bad }, (_, i) => key(10 * i + 1)));
      const r = await run(await setup({ errorLimit: { records: 1000, percent: 5 } }), 'full');
      expect(r).toMatchObject({ status, read: rows, rejected: bad });
      if (status === 'failed') expect(r.error).toBe('拒绝记录占 6.0%，超过上限 5%');
    });

    it('an incremental run applies the percentage at its end too (over 100 rows, fewer than a mid-run check needs)', async () => {
      await fe.insertPeople(0, MIN_ROWS_FOR_PERCENT);
      const job = await setup({ errorLimit: { records: 1000, percent: 5 }, lookbackSeconds: 0 });
      await run(job, 'full');
      await fe.db(P).update({ GXSJ: t(900) });
      await markBad(Array.from({ length: 6 }, (_, i) => key(10 * i + 1)));
      const r = await run(job, 'incr');
      expect(r).toMatchObject({ mode: 'incr', status: 'failed', read: MIN_ROWS_FOR_PERCENT, rejected: 6, error: '拒绝记录占 6.0%，超过上限 5%' });
    });

    it('the final limit check comes before the sweep and the watermark', async () => {
      await fe.insertPeople(0, 100);
      const job = await setup({ errorLimit: { records: 1000, percent: 5 } });
      await run(job, 'full');
      const wm = await getWatermark(gw.db, job.id);
      await fe.db(P).where({ RYBH: key(50) }).del();
      await fe.insertPeople(100, 10, (i) => t(1000 + i));
      await markBad(Array.from({ length: 8 }, (_, i) => key(10 * i + 1)));
      const r = await run(job, 'full');
      expect(r).toMatchObject({ status: 'failed', rejected: 8 });
      expect(await liveCount({ rybh: key(50) })).toBe(1); // not swept
      expect(await getWatermark(gw.db, job.id)).toEqual(wm);
    });
  });

  describe('a batch that lost to contention', () => {
    /** the first `times` writes of a full run's batches meet a deadlock (the database rolled the batch back) */
    const deadlocks = (times: number) => {
      let n = 0;
      return async (s: BatchStep, m: RunMode) => {
        if (m === 'full' && s === 'written' && ++n <= times) throw Object.assign(new Error('Deadlock found'), { code: 'ER_LOCK_DEADLOCK', errno: 1213 });
      };
    };

    // one batch only, so that the deadlocks are its own on MariaDB too (where two batches are written at once)
    it.each([1, 2])('is written again after %i deadlock(s), and counted once', async (times) => {
      await fe.insertPeople(0, 25);
      const r = await run(await setup({ batchSize: 100 }), 'full', new SyncEngine(gw.db, { onStep: deadlocks(times) }));
      expect(r).toMatchObject({ status: 'succeeded', read: 25, written: 25, rejected: 0 });
      await expectConverged(fe.db, gw.db);
    });

    it('fails the run at the third deadlock of one batch, having swept nothing and moved no watermark', async () => {
      await fe.insertPeople(0, 25);
      const job = await setup({ batchSize: 100 });
      await run(job, 'full');
      const wm = await getWatermark(gw.db, job.id);
      await fe.db(P).where({ RYBH: key(3) }).del();
      const r = await run(job, 'full', new SyncEngine(gw.db, { onStep: deadlocks(3) }));
      expect(r).toMatchObject({ status: 'failed', written: 0 });
      expect(await liveCount({ rybh: key(3) })).toBe(1);
      expect(await getWatermark(gw.db, job.id)).toEqual(wm);
    });
  });

  describe('the watermark under failure at every step of a batch', () => {
    /** every source row the watermark covers is stored as the source has it now */
    async function expectCovered(mark: Cursor): Promise<void> {
      const stored = new Map((await gw.db('population').select('rybh', 'hjd')).map((r) => [r.rybh, r.hjd]));
      for (const r of await fe.db(P).select('RYBH', 'GXSJ', 'HJD')) {
        if (compareCursors({ t: String(r.GXSJ), k: [r.RYBH] }, mark) <= 0) expect([r.RYBH, stored.get(r.RYBH)]).toEqual([r.RYBH, r.HJD]);
      }
    }

    it.each([
      ['write', 1],
      ['written', 1],
      ['watermarked', 1],
      ['committed', 2],
    ] as const)('incremental: a failure at %s of the second batch leaves the watermark after batch %i', async (step, batchesIn) => {
      await fe.insertPeople(0, 30);
      const job = await setup({ batchSize: 10, lookbackSeconds: 0 });
      await run(job, 'full');
      await fe.db(P).update({ HJD: '周村区新地址' });
      for (let i = 1; i <= 30; i++) await fe.db(P).where({ RYBH: key(i) }).update({ GXSJ: t(100 + i) });
      const before = (await getWatermark(gw.db, job.id))!;
      const r = await run(job, 'incr', new SyncEngine(gw.db, { onStep: failAt('incr', step, 2) }));
      expect(r.status).toBe('failed');
      const mark = (await getWatermark(gw.db, job.id))!;
      expect(mark).toEqual({ t: t(100 + 10 * batchesIn), k: [key(10 * batchesIn)] });
      expect(compareCursors(mark, before)).toBeGreaterThan(0);
      await expectCovered(mark);
      // rows past the watermark were rolled back with it (or committed with it)
      expect(await liveCount({ hjd: '周村区新地址' })).toBe(10 * batchesIn);
      expect((await run(job, 'incr')).status).toBe('succeeded');
      await expectConverged(fe.db, gw.db);
    });

    it('incremental: a batch read again inside the look-back never moves the watermark back, even when the run fails after it', async () => {
      const now = Date.now();
      await fe.insertPeople(0, 30, (i) => sourceTime(now - 20000 + i * 100));
      const job = await setup({ batchSize: 10, lookbackSeconds: 30 });
      await run(job, 'full');
      const wm = (await getWatermark(gw.db, job.id))!;
      // the run re-reads the 30 rows: its first batch ends well before the watermark
      const r = await run(job, 'incr', new SyncEngine(gw.db, { onStep: failAt('incr', 'committed', 1) }));
      expect(r).toMatchObject({ status: 'failed', read: 10 });
      expect(await getWatermark(gw.db, job.id)).toEqual(wm);
      expect((await run(job, 'incr')).status).toBe('succeeded');
      expect(await getWatermark(gw.db, job.id)).toEqual(wm);
    });

    it.each(['write', 'written', 'committed', 'swept', 'watermarked'] as const)(
      'full: a failure at %s deletes nothing and leaves the watermark',
      async (step) => {
        await fe.insertPeople(0, 30);
        const job = await setup({ batchSize: 10 });
        await run(job, 'full');
        const wm = await getWatermark(gw.db, job.id);
        await fe.db(P).where({ RYBH: key(4) }).del();
        await fe.insertPeople(30, 5, (i) => t(500 + i));
        const r = await run(job, 'full', new SyncEngine(gw.db, { onStep: failAt('full', step, step === 'swept' || step === 'watermarked' ? 1 : 2) }));
        expect(r.status).toBe('failed');
        expect(await liveCount({ rybh: key(4) })).toBe(1);
        expect(await getWatermark(gw.db, job.id)).toEqual(wm);
        expect((await run(job, 'full')).status).toBe('succeeded');
        await expectConverged(fe.db, gw.db);
        expect(await getWatermark(gw.db, job.id)).toEqual({ t: t(534), k: [key(35)] });
      },
    );
  });
});
