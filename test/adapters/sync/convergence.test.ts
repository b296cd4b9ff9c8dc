/**
 * People must not disappear (issue 16), for every source × gateway database pair: unique
 * values follow the source as a set (key changes, re-registrations, swaps), a future-stamped
 * row cannot blind the incremental runs, rejects do not stall the watermark, and a full run
 * that repairs what the incremental runs missed reports it as drift (漂移).
 */
import { FRONTEND_TABLES } from '../../../scripts/demo/frontend';
import { sourceTime } from '../../../scripts/demo/records';
import { SyncEngine } from '../../../adapters/sync/engine';
import { Job, saveJob } from '../../../adapters/sync/jobs';
import { summaryLine } from '../../../adapters/sync/runs';
import { syncStatus } from '../../../adapters/sync/status';
import { getWatermark, setWatermark } from '../../../adapters/sync/watermarks';
import { syncRows } from '../../../core/metrics';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../../support/databases';
import { migrate, migrationSource } from '../../../scripts/app/migrations';
import { expectConverged, frontEnd, FrontEnd, T0 } from '../../support/sync';

const PAIRS = STORAGE_TARGETS.flatMap((s) => STORAGE_TARGETS.map((t) => [s, t] as const));
const P = FRONTEND_TABLES.population;
const key = (i: number) => 'RY' + String(i).padStart(12, '0');

jest.setTimeout(60000);

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

  const setup = (overrides = {}): Promise<Job> => saveJob(gw.db, fe.job(overrides));
  const run = async (job: Job, mode: 'full' | 'incr') => {
    const o = await engine.run(job, mode);
    if (o.status === 'skipped') throw new Error(o.reason);
    return o;
  };
  const idOf = async (rybh: string): Promise<string> => (await fe.db(P).where({ RYBH: rybh }).first()).GMSFZH;
  /** the live library row answering for an ID number, as getRKZP finds it */
  const liveHolder = async (gmsfzh: string) => (await gw.db('population').where({ gmsfzh, deleted: false }).select('rybh', 'xm')).map((r) => r.rybh);
  /** an incremental run, then a full run: both converge, neither rejects */
  async function convergesBothWays(job: Job): Promise<void> {
    const incr = await run(job, 'incr');
    expect(incr.run).toMatchObject({ mode: 'incr', status: 'succeeded', rejected: 0 });
    await expectConverged(fe.db, gw.db);
    const full = await run(job, 'full');
    expect(full.run).toMatchObject({ mode: 'full', status: 'succeeded', rejected: 0 });
    await expectConverged(fe.db, gw.db);
  }

  it('a soft-deleted person no longer holds the ID number; two live people cannot share one', async () => {
    const row = { gmsfzh: '440524188001010014', xm: '甲', synced_at: 1 };
    await gw.db('population').insert({ rybh: 'A', ...row, deleted: true });
    await gw.db('population').insert({ rybh: 'B', ...row, deleted: false });
    const clash = await gw.db('population').insert({ rybh: 'C', ...row, deleted: false }).then(() => null, (e: { message?: string }) => e);
    expect(clash?.message).toMatch(/unique|duplicate/i);
    // reviving the deleted row would make two live holders
    const revive = await gw.db('population').where({ rybh: 'A' }).update({ deleted: false }).then(() => null, (e: { message?: string }) => e);
    expect(revive?.message).toMatch(/unique|duplicate/i);
  });

  it.each([100, 1])('a key change (new RYBH, same 公民身份号码) converges (batch size %i)', async (batchSize) => {
    await fe.insertPeople(0, 20);
    const job = await setup({ batchSize });
    await run(job, 'full');
    const id = await idOf(key(5));
    await fe.db(P).where({ RYBH: key(5) }).update({ RYBH: key(9005), GXSJ: t(500) });
    await convergesBothWays(job);
    expect(await liveHolder(id)).toEqual([key(9005)]);
  });

  it.each([
    ['in one batch, flag first', 100, 500, 500],
    ['one row per batch, flag first', 1, 500, 501],
    ['one row per batch, new row first', 1, 501, 500],
  ])('a re-registration under a new RYBH after a delete flag converges (%s)', async (_label, batchSize, flagAt, newAt) => {
    await fe.insertPeople(0, 20);
    const job = await setup({ batchSize });
    await run(job, 'full');
    const old = await fe.db(P).where({ RYBH: key(7) }).first();
    await fe.db(P).where({ RYBH: key(7) }).update({ SCBZ: 1, GXSJ: t(flagAt) });
    await fe.db(P).insert({ ...old, RYBH: key(9007), HJD: '周村区青年路街道2号', GXSJ: t(newAt), SCBZ: 0 });
    await convergesBothWays(job);
    expect(await liveHolder(old.GMSFZH)).toEqual([key(9007)]);
  });

  it.each([100, 1])('a swap of two ID numbers in one source transaction converges (batch size %i)', async (batchSize) => {
    await fe.insertPeople(0, 20);
    const job = await setup({ batchSize });
    await run(job, 'full');
    const [a, b] = [await idOf(key(3)), await idOf(key(4))];
    await fe.db.transaction(async (trx) => {
      await trx(P).where({ RYBH: key(3) }).update({ GMSFZH: '000000000000000000' }); // the source's own unique index, if any
      await trx(P).where({ RYBH: key(4) }).update({ GMSFZH: a, GXSJ: t(600) });
      await trx(P).where({ RYBH: key(3) }).update({ GMSFZH: b, GXSJ: t(600) });
    });
    await convergesBothWays(job);
    expect(await liveHolder(a)).toEqual([key(4)]);
    expect(await liveHolder(b)).toEqual([key(3)]);
  });

  it('a swap read by a full run across batches converges', async () => {
    await fe.insertPeople(0, 20);
    const job = await setup({ batchSize: 3 });
    await run(job, 'full');
    const [a, b] = [await idOf(key(2)), await idOf(key(17))];
    await fe.db(P).where({ RYBH: key(2) }).update({ GMSFZH: b, GXSJ: t(600) });
    await fe.db(P).where({ RYBH: key(17) }).update({ GMSFZH: a, GXSJ: t(600) });
    const full = await run(job, 'full');
    expect(full.run).toMatchObject({ status: 'succeeded', rejected: 0, deleted: 0 });
    await expectConverged(fe.db, gw.db);
    expect(await liveHolder(a)).toEqual([key(17)]);
  });

  it('a key change read by a full run alone converges, the old key deleted once', async () => {
    await fe.insertPeople(0, 20);
    const job = await setup({ batchSize: 4 });
    await run(job, 'full');
    const id = await idOf(key(18));
    await fe.db(P).where({ RYBH: key(18) }).update({ RYBH: key(0), GXSJ: t(500) }); // the new key is read first
    const full = await run(job, 'full');
    expect(full.run).toMatchObject({ status: 'succeeded', rejected: 0, deleted: 1 });
    await expectConverged(fe.db, gw.db);
    expect(await liveHolder(id)).toEqual([key(0)]);
  });

  it('three ID numbers rotated between three people converge, one row per batch', async () => {
    await fe.insertPeople(0, 20);
    const job = await setup({ batchSize: 1 });
    await run(job, 'full');
    const ids = [await idOf(key(2)), await idOf(key(9)), await idOf(key(15))];
    await fe.db(P).where({ RYBH: key(2) }).update({ GMSFZH: ids[1], GXSJ: t(600) });
    await fe.db(P).where({ RYBH: key(9) }).update({ GMSFZH: ids[2], GXSJ: t(600) });
    await fe.db(P).where({ RYBH: key(15) }).update({ GMSFZH: ids[0], GXSJ: t(600) });
    await convergesBothWays(job);
    expect(await liveHolder(ids[0])).toEqual([key(15)]);
  });

  it('two live source rows claiming one ID number: the row already holding it keeps it, the other is rejected', async () => {
    await fe.insertPeople(0, 20);
    const job = await setup({ batchSize: 1 });
    await run(job, 'full');
    const six = await fe.db(P).where({ RYBH: key(6) }).first();
    await fe.db(P).where({ RYBH: key(5) }).update({ GMSFZH: six.GMSFZH, XM: '冒用', GXSJ: t(700) });
    const o = await run(job, 'incr');
    expect(o.run.rejected).toBe(1);
    expect((await gw.db('sync_rejects').first()).row_key).toBe(key(5));
    expect(await liveHolder(six.GMSFZH)).toEqual([key(6)]);
    expect((await gw.db('population').where({ rybh: key(5) }).first()).deleted).toBeFalsy();
  });

  it('a future-stamped row (2099), even a rejected one, does not stop later changes from arriving', async () => {
    await fe.insertPeople(0, 30);
    await fe.insertPeople(30, 2, () => '2099-01-01 00:00:00.000000');
    await fe.db(P).where({ RYBH: key(32) }).update({ MZ: '77' }); // and invalid
    const job = await setup();
    const full = await run(job, 'full');
    expect(full.run).toMatchObject({ status: 'succeeded', future: 2, rejected: 1 });
    expect(summaryLine(full.run)).toContain('未来时间 2');
    // bounded by the source clock: the last row stamped before it
    expect(await getWatermark(gw.db, job.id)).toEqual({ t: t(29), k: [key(30)] });
    await fe.db(P).where({ RYBH: key(8) }).update({ XM: '后来', GXSJ: t(800) });
    const incr = await run(job, 'incr');
    expect(incr.run).toMatchObject({ status: 'succeeded', read: 1, written: 1, future: 2 });
    expect((await gw.db('population').where({ rybh: key(8) }).first()).xm).toBe('后来');
  });

  it('a watermark left ahead of the source clock (by an older version) is reset by a full run in place of the next incremental one', async () => {
    await fe.insertPeople(0, 30);
    const job = await setup();
    await run(job, 'full');
    await setWatermark(gw.db, job.id, { t: '2099-01-01 00:00:00.000000', k: [key(31)] });
    await fe.db(P).where({ RYBH: key(8) }).update({ XM: '后来', GXSJ: t(800) });
    const o = await run(job, 'incr');
    expect(o.run).toMatchObject({ mode: 'full', status: 'succeeded', written: 1 });
    expect(await getWatermark(gw.db, job.id)).toEqual({ t: t(800), k: [key(8)] });
    expect((await run(job, 'incr')).run).toMatchObject({ mode: 'incr', read: 0 });
  });

  it('48 bad rows among 1,200 updated at one instant do not stall the watermark', async () => {
    await fe.insertPeople(0, 1200);
    const job = await setup({ errorLimit: { records: 40, percent: 5 } });
    await run(job, 'full');
    // one instant close to the source clock, so every later run looks back over it
    const instant = sourceTime(Date.now() - 3000);
    await fe.db(P).update({ GXSJ: instant, HJD: '周村区批量更新' });
    await fe.db(P).whereIn('RYBH', Array.from({ length: 48 }, (_, i) => key(25 * i + 13))).update({ MZ: '77' });
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push((await run(job, 'incr')).run);
    // the first run stops past its limit (41 new rejects), with its committed batches kept
    expect(runs[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('超过上限 40 条') });
    // re-read rejects are not counted again: the next run finishes, the one after has nothing new
    expect(runs[1].status).toBe('succeeded');
    expect(runs[0].rejected + runs[1].rejected).toBe(48);
    // stamped 3 s before the source clock: not 未来时间 (that starts 300 s after it)
    expect(runs[2]).toMatchObject({ status: 'succeeded', rejected: 0, future: 0 });
    expect(Number((await gw.db('sync_rejects').count({ n: '*' }).first())!.n)).toBe(48);
    expect(await getWatermark(gw.db, job.id)).toEqual({ t: instant, k: [key(1200)] });
    expect(Number((await gw.db('population').where({ hjd: '周村区批量更新' }).count({ n: '*' }).first())!.n)).toBe(1152);
  });

  it('2 rejects among 13 rows do not fail a run by percentage', async () => {
    await fe.insertPeople(0, 13);
    await fe.db(P).whereIn('RYBH', [key(2), key(9)]).update({ MZ: '77' });
    const job = await setup({ errorLimit: { records: 10, percent: 5 } });
    const o = await run(job, 'full');
    expect(o.run).toMatchObject({ status: 'succeeded', read: 13, rejected: 2 });
  });

  it('a late commit beyond the look-back is repaired by the next full run and reported as 漂移', async () => {
    await fe.insertPeople(0, 100);
    const job = await setup({ id: `drift-${sourceTarget}-${gatewayTarget}`, lookbackSeconds: 30 });
    await run(job, 'full');
    const wm = (await getWatermark(gw.db, job.id))!;
    // stamped long before the source clock, committed after the runs had read past them
    await fe.insertPeople(100, 1, () => t(50));
    await fe.db(P).where({ RYBH: key(5) }).update({ GXSJ: t(60), XM: '迟到' });
    const incr = await run(job, 'incr');
    expect(incr.run).toMatchObject({ status: 'succeeded', read: 0 });
    const metric = async () => (await syncRows.get()).values.find((v) => v.labels.job === job.id && v.labels.outcome === 'drift')?.value ?? 0;
    const before = await metric();
    const full = await run(job, 'full');
    expect(full.run).toMatchObject({ status: 'succeeded', written: 2, drift: 2 });
    await expectConverged(fe.db, gw.db);
    expect(await getWatermark(gw.db, job.id)).toEqual(wm);
    const line = summaryLine(full.run);
    expect(line).toContain('漂移 2');
    expect(line).toMatch(/警告 .*lookbackSeconds.*时钟/);
    expect(await metric()).toBe(before + 2);
    const [status] = (await syncStatus(gw.db)).filter((s) => s.id === job.id);
    expect(status.lastRuns[0]).toMatchObject({ id: full.run.id, drift: 2 });
    expect(Number((await gw.db('sync_runs').where({ id: full.run.id }).first()).rows_drift)).toBe(2);
    // a full run that only confirms what the incremental runs carried reports no drift
    expect((await run(job, 'full')).run.drift).toBe(0);
  });

  it('an incremental run after a bulk update at one instant re-reads those rows at most once', async () => {
    await fe.insertPeople(0, 300);
    const job = await setup({ lookbackSeconds: 2, delaySeconds: 0 });
    await run(job, 'full');
    const instant = sourceTime(Date.now() - 500);
    await fe.db(P).update({ GXSJ: instant, HJD: '周村区批量更新' });
    const first = await run(job, 'incr');
    expect(first.run.read).toBe(300);
    // once the source clock has passed the instant + look-back, at most one run reads it again
    await new Promise((r) => setTimeout(r, 2600));
    let again = 0;
    for (let i = 0; i < 3; i++) again += (await run(job, 'incr')).run.read;
    expect(again).toBeLessThanOrEqual(300);
    await expectConverged(fe.db, gw.db);
  });

  it('rows stamped long before the source clock are not read again by later incremental runs', async () => {
    await fe.insertPeople(0, 200);
    const job = await setup({ lookbackSeconds: 60 });
    await run(job, 'full');
    await fe.db(P).update({ GXSJ: t(5000), HJD: '周村区批量更新' });
    expect((await run(job, 'incr')).run.read).toBe(200);
    expect((await run(job, 'incr')).run.read).toBe(0);
    expect((await run(job, 'incr')).run.read).toBe(0);
  });
});

describe.each(STORAGE_TARGETS)('an existing library on %s', (target) => {
  it('migrates to live-only uniqueness with its rows intact', async () => {
    const gw = await freshDatabase(target);
    try {
      // 501–508 and every migration after them (rolled back newest first, applied again below)
      const ours = (await migrationSource.getMigrations([])).filter((m: string) => m >= '501_');
      for (let i = 0; i < ours.length; i++) await gw.db.migrate.down({ migrationSource });
      expect(await gw.db.schema.hasColumn('population', 'gmsfzh_live')).toBe(false);
      const row = { xm: '甲', synced_at: 1 };
      await gw.db('population').insert([
        { rybh: 'A', gmsfzh: '440524188001010014', deleted: true, ...row },
        { rybh: 'B', gmsfzh: '11010519491231002X', deleted: false, ...row },
      ]);
      expect(await migrate(gw.db)).toEqual(ours);
      const live = await gw.db('population').orderBy('rybh').select('rybh', 'gmsfzh_live');
      expect(live).toEqual([{ rybh: 'A', gmsfzh_live: null }, { rybh: 'B', gmsfzh_live: '11010519491231002X' }]);
      await gw.db('population').insert({ rybh: 'C', gmsfzh: '440524188001010014', deleted: false, ...row });
      const clash = await gw.db('population').insert({ rybh: 'D', gmsfzh: '11010519491231002X', deleted: false, ...row }).then(() => null, (e: { message?: string }) => e);
      expect(clash?.message).toMatch(/unique|duplicate/i);
    } finally {
      await gw.drop();
    }
  });
});
