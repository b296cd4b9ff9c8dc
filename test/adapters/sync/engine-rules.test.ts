/**
 * The engine's own rules (issue 17), below the boundary suites: how a failure reads in the run
 * record (our messages as written, a driver's error by its kind only, never its text), the
 * lease — renewed while the run stands still, the run stopped once another process holds it —,
 * progress saved while a run goes on, why a run is skipped, and the metrics a run leaves.
 */
import { RunAbort } from '../../../adapters/sync/context';
import { describeFailure, SyncEngine } from '../../../adapters/sync/engine';
import { SourceError } from '../../../adapters/sources';
import { Job, JobDefinitionError, saveJob } from '../../../adapters/sync/jobs';
import * as leases from '../../../adapters/sync/lease';
import { acquireLease, releaseLease } from '../../../adapters/sync/lease';
import type { Logger } from '../../../core/logger';
import type { BatchStep } from '../../../adapters/sync/context';
import { describeDbError } from '../../../core/db-errors';
import { leaseHeld, syncRows, syncRunDuration, syncRuns } from '../../../core/metrics';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../../support/databases';
import { frontEnd, FrontEnd, T0 } from '../../support/sync';
import { FRONTEND_TABLES } from '../../../scripts/demo/frontend';
import { sourceTime } from '../../../scripts/demo/records';

jest.setTimeout(60000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('a failure as the run record tells it', () => {
  it('keeps our own messages as written, whatever they start with', () => {
    expect(describeFailure(new RunAbort('GA_RK_JBXX 拒绝记录过多'))).toBe('GA_RK_JBXX 拒绝记录过多');
    expect(describeFailure(new SourceError('GA_RK_JBXX 表不存在'))).toBe('GA_RK_JBXX 表不存在');
    expect(describeFailure(new JobDefinitionError('job.key 未映射'))).toBe('job.key 未映射');
  });

  it('tells a driver error by its kind: unreachable, schema mismatch, any other known kind', () => {
    const refused = withCode('connect ECONNREFUSED 10.0.0.9:3306', 'ECONNREFUSED');
    const noTable = withCode("Table 'fe.GA_RK_JBXX' doesn't exist", 'ER_NO_SUCH_TABLE');
    const duplicate = withCode("Duplicate entry '370306199001011234' for key 'gmsfzh'", 'ER_DUP_ENTRY');
    expect(describeFailure(refused)).toBe(`数据库访问失败：${describeDbError(refused)}`);
    expect(describeFailure(noTable)).toBe(`源表或列不存在：${describeDbError(noTable)}`);
    expect(describeFailure(duplicate)).toBe(`同步失败：${describeDbError(duplicate)}`);
    expect(describeFailure(duplicate)).not.toContain('370306199001011234');
  });

  it('keeps a message whose first word is Chinese (cut at 200), and names only the code or the error class otherwise', () => {
    expect(describeFailure(new Error('源库返回：' + '错'.repeat(300)))).toBe(('源库返回：' + '错'.repeat(300)).slice(0, 200));
    expect(describeFailure(new Error('SQL源表不存在'))).toBe('SQL源表不存在');
    expect(describeFailure(new Error('query failed 源表'))).toBe('同步失败（Error）');
    expect(describeFailure(withCode('bad value 370306199001011234', 'EWEIRD'))).toBe('同步失败（EWEIRD）');
    expect(describeFailure(withCode('第 1 行的值 370306199001011234 不正确', 'ER_TRUNCATED_WRONG_VALUE'))).toBe('同步失败（ER_TRUNCATED_WRONG_VALUE）');
    expect(describeFailure(new TypeError('x is undefined'))).toBe('同步失败（TypeError）');
    expect(describeFailure('thrown text')).toBe('同步失败（error）');
  });
});

describe.each(STORAGE_TARGETS)('the engine on %s', (target) => {
  let fe: FrontEnd;
  let gw: TestDatabase;
  const jobId = `engine-${target}`;
  const lease = `sync:${jobId}`;

  beforeAll(async () => {
    fe = await frontEnd(target, jobId);
    gw = await freshDatabase(target);
    await fe.insertPeople(0, 400);
  });
  afterAll(async () => {
    await fe.drop();
    await gw.drop();
  });

  const job = (overrides = {}): Promise<Job> => saveJob(gw.db, fe.job(overrides));
  /** the nth time (1-based) a run reaches `step`, do `act` */
  const atStep = (step: BatchStep, nth: number, act: () => Promise<void>) => {
    let n = 0;
    return async (s: BatchStep) => {
      if (s === step && ++n === nth) await act();
    };
  };

  it('skips a run, saying why: an unknown job, one running in this process, a lease another process holds, an engine stopping', async () => {
    const engine = new SyncEngine(gw.db);
    expect(await engine.runById('no-such-job', 'full')).toEqual({ status: 'skipped', reason: '没有同步任务 no-such-job' });

    const slow = engine.run(await job({ throttle: 1000 }), 'full'); // 400 rows at 1,000 a second
    expect(await engine.run(await job(), 'full')).toEqual({ status: 'skipped', reason: `任务 ${jobId} 正在本进程运行` });
    expect((await slow).status).toBe('succeeded');

    expect(await acquireLease(gw.db, lease, 'other-host:4242:abc', 60000)).toBe(true);
    expect(await engine.run(await job(), 'full')).toEqual({ status: 'skipped', reason: `任务 ${jobId} 正由 other-host:4242:abc 运行` });
    await releaseLease(gw.db, lease, 'other-host:4242:abc');

    // a run that ended is forgotten: stopping waits for none
    expect((engine as unknown as { inflight: Set<unknown> }).inflight.size).toBe(0);
    await engine.stop(0);
    expect(await engine.run(await job(), 'full')).toEqual({ status: 'skipped', reason: '网关正在停止' });
  });

  it('an operator’s run that cannot start is logged by the error’s name and code only, never thrown', async () => {
    const engine = new SyncEngine(gw.db);
    jest.spyOn(engine, 'run').mockRejectedValueOnce(withCode('cannot reach 10.0.0.9 for 370306199001011234', 'ECONNREFUSED'));
    const logged: unknown[][] = [];
    const log = { error: (...args: unknown[]) => logged.push(args) } as unknown as Logger;
    engine.startDetached(await job(), 'full', log);
    await sleep(10);
    expect(logged).toEqual([[{ job: jobId, errName: 'Error', errCode: 'ECONNREFUSED' }, 'sync run could not start']]);
    // whatever was thrown, even nothing
    jest.spyOn(engine, 'run').mockRejectedValueOnce(undefined);
    engine.startDetached(await job(), 'full', log);
    await sleep(10);
    expect(logged[1]).toEqual([{ job: jobId, errName: undefined, errCode: undefined }, 'sync run could not start']);
    jest.restoreAllMocks();
  });

  it('names no holder it cannot read: the lease ended between the refusal and the read', async () => {
    expect(await acquireLease(gw.db, lease, 'other-host:4242:abc', 60000)).toBe(true);
    jest.spyOn(leases, 'leaseHolder').mockResolvedValueOnce(null);
    try {
      expect(await new SyncEngine(gw.db).run(await job(), 'full')).toEqual({ status: 'skipped', reason: `任务 ${jobId} 正由 其他进程 运行` });
    } finally {
      jest.restoreAllMocks();
      await releaseLease(gw.db, lease, 'other-host:4242:abc');
    }
  });

  it('renews its lease while the run stands still longer than the lease lasts', async () => {
    let takenOver: boolean | undefined;
    const engine = new SyncEngine(gw.db, {
      leaseMs: 3000,
      // after the first batch the run stands still for 4 s; at 3.5 s another process tries to take over
      onStep: atStep('committed', 1, async () => {
        await sleep(3500);
        takenOver = await acquireLease(gw.db, lease, 'other-host:4242:abc', 60000);
        await sleep(500);
      }),
    });
    const o = await engine.run(await job(), 'full');
    expect(takenOver).toBe(false);
    expect(o.status).toBe('succeeded');
  });

  it('stops at the next batch once another process holds its lease, recording why', async () => {
    const engine = new SyncEngine(gw.db, {
      leaseMs: 3000,
      onStep: atStep('committed', 1, async () => {
        await gw.db('leases').where({ name: lease }).update({ holder: 'other-host:4242:abc', expires_at: Date.now() + 60000 });
        await sleep(1500); // the renewal timer (every second at this lease) finds it lost
      }),
    });
    const o = await engine.run(await job(), 'full');
    expect(o).toMatchObject({ status: 'failed', run: { error: '租约已失效，另一进程可能已接管该任务' } });
    if (o.status !== 'skipped') expect(o.run.read).toBeLessThan(400);
    expect((await gw.db('leases').where({ name: lease }).first()).holder).toBe('other-host:4242:abc');
    await gw.db('leases').where({ name: lease }).del();
  });

  it('saves its progress while it runs', async () => {
    let seen: { read: number; status: string } | undefined;
    let held: number | undefined;
    let committed = 0;
    const engine = new SyncEngine(gw.db, {
      onStep: async (s) => {
        if (s !== 'committed') return;
        if (++committed === 1) await sleep(1100); // progress is saved at most once a second
        // the last batch is committed, the run not yet finished (outside any transaction: SQLite has one connection)
        if (committed === 4) {
          const run = await gw.db('sync_runs').orderBy('id', 'desc').first();
          seen = { read: Number(run.rows_read), status: run.status };
          held = (await leaseHeld.get()).values.find((v) => v.labels.lease === lease)?.value;
        }
      },
    });
    expect((await engine.run(await job(), 'full')).status).toBe('succeeded');
    expect(seen!.status).toBe('running');
    expect(seen!.read).toBeGreaterThanOrEqual(100);
    expect(held).toBe(1);
    expect((await leaseHeld.get()).values.find((v) => v.labels.lease === lease)?.value).toBe(0);
  });

  it('counts the run, its time and its rows by outcome, and no outcome it did not have', async () => {
    const value = async (metric: typeof syncRows | typeof syncRuns, labels: Record<string, string>) =>
      (await metric.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k as never] === l))?.value;
    const durationOf = async () => {
      const values = (await syncRunDuration.get()).values.filter((v) => v.labels.job === jobId && v.labels.mode === 'full');
      return { count: values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0, sum: values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0 };
    };
    const runs = (await value(syncRuns, { job: jobId, mode: 'full', status: 'succeeded' })) ?? 0;
    const read = (await value(syncRows, { job: jobId, outcome: 'read' })) ?? 0;
    const before = await durationOf();
    const started = Date.now();
    expect((await new SyncEngine(gw.db).run(await job(), 'full')).status).toBe('succeeded');
    const seconds = (Date.now() - started) / 1000;
    expect(await value(syncRuns, { job: jobId, mode: 'full', status: 'succeeded' })).toBe(runs + 1);
    expect(await value(syncRows, { job: jobId, outcome: 'read' })).toBe(read + 400);
    expect(await value(syncRows, { job: jobId, outcome: 'drift' })).toBeUndefined();
    const after = await durationOf();
    expect(after.count).toBe(before.count + 1);
    expect(after.sum - before.sum).toBeGreaterThan(0);
    expect(after.sum - before.sum).toBeLessThanOrEqual(seconds);
  });

  /** a library and a source of its own for one test, dropped after it */
  const isolated = async (name: string, test: (src: FrontEnd, lib: TestDatabase) => Promise<void>) => {
    const src = await frontEnd(target, `${name}-${target}`);
    const lib = await freshDatabase(target);
    try {
      await test(src, lib);
    } finally {
      await src.drop();
      await lib.drop();
    }
  };

  it('a person re-registered under a new key, the old row gone from the source: an incremental run deletes the old row and gives the new one the number', () =>
    isolated('rereg', async (src, lib) => {
      const [old] = await src.insertPeople(0, 3);
      const j = await saveJob(lib.db, src.job({ lookbackSeconds: 0 }));
      expect((await new SyncEngine(lib.db).run(j, 'full')).status).toBe('succeeded');
      await src.db(FRONTEND_TABLES.population).where({ RYBH: old.RYBH }).del();
      await src.db(FRONTEND_TABLES.population).insert({ ...old, RYBH: 'RY900000000001', GXSJ: sourceTime(T0 + 50_000) });
      const o = await new SyncEngine(lib.db).run(j, 'incr');
      expect(o).toMatchObject({ status: 'succeeded', run: { mode: 'incr', read: 1, written: 1, deleted: 1, rejected: 0 } });
      const holders = await lib.db('population').where({ gmsfzh: old.GMSFZH }).orderBy('rybh').select('rybh', 'deleted', 'deleted_at');
      expect(holders.map((r) => [r.rybh, Boolean(Number(r.deleted)), r.deleted_at !== null])).toEqual([
        [old.RYBH, true, true],
        ['RY900000000001', false, false],
      ]);
    }));

  it('a bad row read again is recorded and counted once', () =>
    isolated('again', async (src, lib) => {
      await src.insertPeople(0, 5);
      await src.db(FRONTEND_TABLES.population).where({ RYBH: 'RY000000000002' }).update({ MZ: '77' });
      const j = await saveJob(lib.db, src.job());
      const first = await new SyncEngine(lib.db).run(j, 'full');
      const second = await new SyncEngine(lib.db).run(j, 'full');
      expect([first, second]).toMatchObject([{ run: { rejected: 1 } }, { run: { rejected: 0 } }]);
      expect((await lib.db('sync_rejects')).map((r) => r.row_key)).toEqual(['RY000000000002']);
    }));

  // last: it adds rows to the source the tests above count
  it('writes a batch larger than one insert statement holds (500 rows on SQLite) whole, each row once', async () => {
    const fresh = await freshDatabase(target);
    try {
      await fe.insertPeople(400, 400);
      const o = await new SyncEngine(fresh.db).run(await saveJob(fresh.db, fe.job({ batchSize: 1000 })), 'full');
      expect(o).toMatchObject({ status: 'succeeded', run: { read: 800, written: 800, rejected: 0 } });
      expect(Number((await fresh.db('population').where({ deleted: false }).count({ n: '*' }).first())!.n)).toBe(800);
    } finally {
      await fresh.drop();
    }
  });
});
