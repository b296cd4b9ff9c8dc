/**
 * The sync rules that protect people's data, each tested at its edges (issue 17), for every
 * source × gateway database pair: a full run sweeps only its own job's rows; every error
 * limit holds exactly at its boundary, and the final check comes before the sweep and the
 * watermark; the watermark commits with its batch and never moves backwards, whichever step
 * of a batch fails. Deterministic versions of what the crash suite finds by chance. And what an
 * incremental run reads beside its batches on MariaDB: its pages' stored rows, outside them.
 */
import { FRONTEND_TABLES } from '../../../scripts/demo/frontend';
import { sourceTime } from '../../../scripts/demo/records';
import type { BatchStep, RunContext } from '../../../adapters/sync/context';
import { MIN_ROWS_FOR_PERCENT, SyncEngine } from '../../../adapters/sync/engine';
import { runIncremental } from '../../../adapters/sync/incremental';
import { WARM_READS, worthWarming } from '../../../adapters/sync/write';
import { Job, removeJob, saveJob } from '../../../adapters/sync/jobs';
import { RunMode, zeroCounters } from '../../../adapters/sync/runs';
import { compareCursors, FUTURE_TOLERANCE_SECONDS, getWatermark, setWatermark, shiftTimeText } from '../../../adapters/sync/watermarks';
import { openSource, Cursor, SourceReader } from '../../../adapters/sources';
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

/** The source as it is, with its clock standing at `clock` (a source time text): the edges of the clock without timing luck. */
const clockAt = (clock: string) => (job: Job): SourceReader => {
  const r = openSource(job);
  return {
    fullBatches: (n) => r.fullBatches(n),
    maxCursor: (upTo) => r.maxCursor(upTo),
    countAfter: (after) => r.countAfter(after),
    rowsByKeys: (column, values) => r.rowsByKeys(column, values),
    upperBound: async (delaySeconds) => shiftTimeText(clock, -delaySeconds),
    pageAfter: (cursor, upper, limit) => r.pageAfter(cursor, upper, limit),
    close: () => r.close(),
  };
};

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

  describe('what a full run sweeps and where it leaves the watermark', () => {
    const OWNER_COLUMNS = { RYBH: 'rybh', GMSFZH: 'gmsfzh', XM: 'xm', CSRQ: 'csrq', MZ: 'mz', XB: 'xb', JG: 'jg', HJD: 'hjd' };

    it("a job filling items, run while the owner's full run is between its batches, makes the owner's sweep delete nothing", async () => {
      await fe.insertPeople(0, 30);
      const owner = await setup({ columns: OWNER_COLUMNS, batchSize: 10 });
      const fill = await saveJob(gw.db, fe.job({ id: 'wj', columns: { RYBH: 'rybh', CSD: 'csd' } }));
      await run(owner, 'full');
      expect(await run(fill, 'full')).toMatchObject({ status: 'succeeded', written: 30 });
      let filled = false;
      const during = async (s: BatchStep, m: RunMode) => {
        if (m !== 'full' || s !== 'committed' || filled) return;
        filled = true;
        expect(await run(fill, 'full')).toMatchObject({ status: 'succeeded', unchanged: 29 });
      };
      await fe.db(P).where({ RYBH: key(30) }).del();
      const r = await run(owner, 'full', new SyncEngine(gw.db, { onStep: during }));
      expect(filled).toBe(true);
      expect(r).toMatchObject({ status: 'succeeded', deleted: 1 });
      expect(await liveCount()).toBe(29);
      expect(await liveCount({ rybh: key(30) })).toBe(0);
      await expectConverged(fe.db, gw.db);
    });

    it('a row an incremental run brought in and the source then dropped is swept by the next full run', async () => {
      await fe.insertPeople(0, 10);
      const job = await setup({ lookbackSeconds: 0 });
      await run(job, 'full');
      await fe.insertPeople(10, 1, () => t(500));
      expect(await run(job, 'incr')).toMatchObject({ mode: 'incr', written: 1 });
      await fe.db(P).where({ RYBH: key(11) }).del();
      expect(await run(job, 'full')).toMatchObject({ status: 'succeeded', deleted: 1 });
      expect(await liveCount({ rybh: key(11) })).toBe(0);
      expect(await liveCount()).toBe(10);
    });

    it('a job without an update time is synced in full and sweeps, with no watermark and nothing in the future', async () => {
      await fe.insertPeople(0, 10);
      await fe.insertPeople(10, 1, () => '2099-01-01 00:00:00.000000');
      const job = await setup({ updateTime: undefined });
      expect(await run(job, 'full')).toMatchObject({ status: 'succeeded', written: 11, future: 0 });
      await fe.db(P).where({ RYBH: key(2) }).del();
      // asked for an incremental run, it runs in full
      expect(await run(job, 'incr')).toMatchObject({ mode: 'full', status: 'succeeded', deleted: 1, unchanged: 10 });
      expect(await getWatermark(gw.db, job.id)).toBeNull();
    });

    it('a source whose rows are all stamped ahead of its clock leaves no watermark, and the next run is full again', async () => {
      await fe.insertPeople(0, 10, () => '2099-01-01 00:00:00.000000');
      const job = await setup();
      expect(await run(job, 'full')).toMatchObject({ status: 'succeeded', written: 10, future: 10 });
      expect(await getWatermark(gw.db, job.id)).toBeNull();
      expect(await run(job, 'incr')).toMatchObject({ mode: 'full', status: 'succeeded', unchanged: 10 });
    });

    it('an empty source: a full run succeeds, writes nothing and leaves no watermark', async () => {
      const job = await setup();
      expect(await run(job, 'full')).toMatchObject({ status: 'succeeded', read: 0, written: 0, deleted: 0 });
      expect(await getWatermark(gw.db, job.id)).toBeNull();
    });
  });

  describe('how far a full run reads ahead of what it has written', () => {
    // SQLite's one connection writes one batch at a time, so the run reads the next batch only
    // once the last is committed; on MariaDB one batch may be written while the next is read.
    // Either way memory stays bounded, and nothing is swept before every batch is committed.
    it('reads at most one batch beyond the ones committed (none on SQLite) and sweeps only after all are committed', async () => {
      await fe.insertPeople(0, 60);
      const job = await setup({ batchSize: 10 });
      let read = 0;
      let committed = 0;
      const ahead: number[] = [];
      let atSweep = -1;
      const counting = (j: Job): SourceReader => {
        const r = openSource(j);
        return {
          async *fullBatches(n) {
            for await (const b of r.fullBatches(n)) {
              ahead.push(read - committed); // batches handed out and not yet committed, as the next is read
              read++;
              yield b;
            }
          },
          maxCursor: (upTo) => r.maxCursor(upTo),
          countAfter: (after) => r.countAfter(after),
          rowsByKeys: (column, values) => r.rowsByKeys(column, values),
          upperBound: (delaySeconds) => r.upperBound(delaySeconds),
          pageAfter: (cursor, upper, limit) => r.pageAfter(cursor, upper, limit),
          close: () => r.close(),
        };
      };
      let writes = 0;
      const onStep = async (s: BatchStep, m: RunMode) => {
        if (m !== 'full') return;
        // the last batch is slow to start writing: a run that did not wait for it would sweep first
        if (s === 'write' && ++writes === 6) await new Promise((resolve) => setTimeout(resolve, 300));
        if (s === 'committed') committed++;
        if (s === 'swept') atSweep = read - committed;
      };
      const r = await run(job, 'full', new SyncEngine(gw.db, { openSource: counting, onStep }));
      expect(r).toMatchObject({ status: 'succeeded', written: 60 });
      expect(read).toBe(6);
      expect(atSweep).toBe(0);
      expect(Math.max(...ahead)).toBeLessThanOrEqual(gatewayTarget === 'sqlite' ? 0 : 1);
    });
  });

  describe("an incremental run's reads beside its batches", () => {
    it("on MariaDB warms a page's stored rows outside the batches' transactions, WARM_READS statements a page, once a batch's read was slow; on SQLite reads nothing more", async () => {
      await fe.insertPeople(0, 300);
      const job = await setup({ batchSize: 100, lookbackSeconds: 0 });
      await run(job, 'full');
      const changed = Array.from({ length: 250 }, (_, i) => key(i + 1));
      await fe.db(P).whereIn('RYBH', changed).update({ GXSJ: t(500), HJD: '周村区新地址' });
      const warmed: string[][] = [];
      const seen = (q: { sql: string; bindings?: unknown[]; __knexTxId?: string }) => {
        if (!q.__knexTxId && /^select `rybh` from `population` where `rybh` in /.test(q.sql)) warmed.push((q.bindings ?? []).map(String));
      };
      // every read "takes" a second: each batch's read of its stored rows looks like one from disk
      let clock = 0;
      const slow = jest.spyOn(performance, 'now').mockImplementation(() => (clock += 1000));
      gw.db.on('query', seen);
      try {
        expect(await run(job, 'incr')).toMatchObject({ status: 'succeeded', read: 250, written: 250 });
      } finally {
        gw.db.off('query', seen);
        slow.mockRestore();
      }
      if (gatewayTarget === 'sqlite') {
        expect(warmed).toEqual([]);
      } else {
        // pages 1 and 2 are asked for before any batch has read; page 3 (50) after batch 1's slow read
        expect(warmed.map((w) => w.length)).toEqual([13, 13, 13, 11]);
        expect(warmed.flat().sort()).toEqual(changed.slice(200));
      }
      await expectConverged(fe.db, gw.db);
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

    it('mid-run, the percentage waits for 1,000 rows: a bad first batch does not stop a run that ends within the limit', async () => {
      await fe.insertPeople(0, 1000);
      await markBad(Array.from({ length: 10 }, (_, i) => key(1 + i))); // 10 % of the first batch, 1 % of the run
      const r = await run(await setup({ errorLimit: { records: 1000, percent: 5 } }), 'full');
      expect(r).toMatchObject({ status: 'succeeded', read: 1000, rejected: 10 });
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

    it.each([1, 2])('incremental: batches read again inside the look-back never move the watermark back, even when the run fails after batch %i', async (batches) => {
      const now = Date.now();
      await fe.insertPeople(0, 30, (i) => sourceTime(now - 20000 + i * 100));
      const job = await setup({ batchSize: 10, lookbackSeconds: 30 });
      await run(job, 'full');
      const wm = (await getWatermark(gw.db, job.id))!;
      // the run re-reads the 30 rows: its first two batches end well before the watermark
      const r = await run(job, 'incr', new SyncEngine(gw.db, { onStep: failAt('incr', 'committed', batches) }));
      expect(r).toMatchObject({ status: 'failed', read: 10 * batches });
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

  describe('at the edges of the source clock', () => {
    // the clock stands at t(1000); with the delay of 2 s a run reads up to t(998), and a row
    // is 未来时间 once it is stamped later than the clock + 300 s
    const CLOCK = t(1000);
    const micro = (i: number) => sourceTime(T0 + i * 1000, 1); // 1 µs after t(i)
    const atClock = () => new SyncEngine(gw.db, { openSource: clockAt(CLOCK) });
    const job = () => setup({ delaySeconds: 2, lookbackSeconds: 0 });

    it('a full run sets the watermark to the last row stamped at clock − delay, and counts as future only rows after clock + 300 s', async () => {
      expect(shiftTimeText(CLOCK, FUTURE_TOLERANCE_SECONDS)).toBe(t(1300));
      await fe.insertPeople(0, 10);
      await fe.insertPeople(10, 1, () => t(998));
      await fe.insertPeople(11, 1, () => micro(998));
      await fe.insertPeople(12, 1, () => t(1300));
      await fe.insertPeople(13, 2, () => micro(1300));
      const j = await job();
      const full = await run(j, 'full', atClock());
      expect(full).toMatchObject({ mode: 'full', status: 'succeeded', read: 15, written: 15, future: 2 });
      expect(await getWatermark(gw.db, j.id)).toEqual({ t: t(998), k: [key(11)] });
      // an incremental run at the same clock: nothing new up to clock − delay, the same rows in the future
      const incr = await run(j, 'incr', atClock());
      expect(incr).toMatchObject({ mode: 'incr', status: 'succeeded', read: 0, future: 2 });
      expect(await getWatermark(gw.db, j.id)).toEqual({ t: t(998), k: [key(11)] });
    });

    it('an incremental run reads rows stamped up to clock − delay inclusive, and no later', async () => {
      await fe.insertPeople(0, 10);
      const j = await job();
      await run(j, 'full', atClock());
      await fe.db(P).where({ RYBH: key(3) }).update({ GXSJ: t(998), HJD: '周村区新地址' });
      await fe.db(P).where({ RYBH: key(4) }).update({ GXSJ: micro(998), HJD: '周村区新地址' });
      const incr = await run(j, 'incr', atClock());
      expect(incr).toMatchObject({ mode: 'incr', status: 'succeeded', read: 1, written: 1, future: 0 });
      expect(await getWatermark(gw.db, j.id)).toEqual({ t: t(998), k: [key(3)] });
      expect((await gw.db('population').where({ hjd: '周村区新地址' }).select('rybh')).map((r) => r.rybh)).toEqual([key(3)]);
    });

    it.each([
      ['exactly at clock + 300 s', 'incr', t(1300)],
      ['1 µs after clock + 300 s', 'full', micro(1300)],
    ])('a watermark %s: the incremental run is %s', async (_, mode, at) => {
      await fe.insertPeople(0, 10);
      const j = await job();
      await run(j, 'full', atClock());
      const ahead = { t: at, k: [key(99)] };
      await setWatermark(gw.db, j.id, ahead);
      const r = await run(j, 'incr', atClock());
      expect(r).toMatchObject({ mode, status: 'succeeded' });
      // kept as it is, or reset by the full run to the source maximum before the clock
      expect(await getWatermark(gw.db, j.id)).toEqual(mode === 'incr' ? ahead : { t: t(9), k: [key(10)] });
    });

    it('an incremental run without a watermark refuses before reading anything', async () => {
      await fe.insertPeople(0, 5);
      const j = await job();
      const reader = clockAt(CLOCK)(j);
      const counters = zeroCounters();
      const rc: RunContext = { db: gw.db, job: j, runId: 1, reader, counters, checkpoint: async () => undefined, checkErrorLimit: () => undefined, step: async () => undefined };
      try {
        await expect(runIncremental(rc)).rejects.toThrow(/^没有水位线：请先执行一次全量同步$/);
      } finally {
        await reader.close();
      }
      expect(counters).toEqual(zeroCounters());
      expect(await liveCount()).toBe(0);
    });
  });
});

describe('warming the next page of an incremental run', () => {
  it.each([
    ['before any read', null, false],
    ['after a read from disk (~180 µs a key)', { keys: 1000, ms: 180 }, true],
    ['at 50 µs a key', { keys: 1000, ms: 50 }, true],
    ['just under 50 µs a key', { keys: 1000, ms: 49.9 }, false],
    ['after a read from the buffer pool (~10 µs a key)', { keys: 1000, ms: 10 }, false],
  ])('warms the next page %s: %s', (_, lastRead, expected) => {
    expect(worthWarming(lastRead)).toBe(expected);
  });
});
