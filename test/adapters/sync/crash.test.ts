/**
 * Crash safety: `dprs sync run` child processes are killed with SIGKILL at random points of
 * full and incremental runs while the source keeps changing. After each kill no watermark
 * is ahead of committed data; after a run to completion the target equals the source.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { FRONTEND_TABLES } from '../../../scripts/demo/frontend';
import { sourceTime } from '../../../scripts/demo/records';
import { saveJob } from '../../../adapters/sync/jobs';
import { getWatermark } from '../../../adapters/sync/watermarks';
import { freshDatabase, STORAGE_TARGETS, tempDir, Target, TestDatabase } from '../../support/databases';
import { expectConverged, frontEnd, FrontEnd, T0 } from '../../support/sync';

const CLI = path.resolve(__dirname, '../../../dist/scripts/cli.js');
const P = FRONTEND_TABLES.population;
const KILLS_PER_PHASE = 5;

jest.setTimeout(180000);

function childEnv(gw: TestDatabase, dataDir: string): NodeJS.ProcessEnv {
  const db = gw.target === 'mysql' ? { DB_CLIENT: 'mysql', DATABASE_URL: gw.url } : { DB_CLIENT: 'sqlite', DATABASE_URL: `sqlite:${gw.url}` };
  return { ...process.env, ...db, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe.each(STORAGE_TARGETS as Target[])('sync killed with SIGKILL on %s', (target) => {
  let fe: FrontEnd;
  let gw: TestDatabase;
  const dataDir = tempDir('dprs-crash-');
  let clock = 10000; // source update times keep moving forward, in seconds after T0
  let nextId = 3000;

  beforeAll(async () => {
    fe = await frontEnd(target);
    gw = await freshDatabase(target);
    await fe.insertPeople(0, 3000, (i) => sourceTime(T0 + Math.floor(i / 7) * 1000)); // 7 rows share each time
    await saveJob(gw.db, fe.job({ batchSize: 50, throttle: 2500, lookbackSeconds: 5 }));
  });
  afterAll(async () => {
    await fe.drop();
    await gw.drop();
  });

  const runCli = (args: string[]) => spawn(process.execPath, [CLI, 'sync', 'run', 'pop', ...args], { env: childEnv(gw, dataDir), stdio: ['ignore', 'pipe', 'pipe'] });

  /**
   * Starts a run and kills it a random delay after its run row appears (a loaded machine may
   * take seconds to start node); true when the kill landed inside the run.
   */
  async function killedRun(args: string[]): Promise<boolean> {
    const before = Number((await gw.db('sync_runs').max({ id: 'id' }).first())?.id ?? 0);
    const child = runCli(args);
    const started = Date.now();
    while (child.exitCode === null && Date.now() - started < 30000 && !(await gw.db('sync_runs').where('id', '>', before).first())) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, Math.random() * 1100));
    const alive = child.exitCode === null;
    child.kill('SIGKILL');
    await exited(child);
    // landed inside the run: this child's run row was started and never finished
    const mine = await gw.db('sync_runs').where('id', '>', before).where({ status: 'running' }).first();
    return alive && Boolean(mine);
  }

  async function runToCompletion(args: string[]): Promise<string> {
    const child = runCli(args);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const code = await exited(child);
    expect({ code, out }).toMatchObject({ code: 0 });
    return out;
  }

  /** The source keeps living: updates (some flagged deleted), inserts, physical deletes. */
  async function mutate(updates: number, physicalDeletes: number): Promise<void> {
    // times move forward past every earlier update (a real source's clock does)
    clock += 100;
    const ids = await fe.db(P).select('RYBH').orderByRaw('RYBH').limit(updates).offset(Math.floor(Math.random() * 1000));
    for (let i = 0; i < ids.length; i += 100) {
      const part = ids.slice(i, i + 100).map((r) => r.RYBH);
      await fe.db(P).whereIn('RYBH', part).update({ HJD: `周村区青年路街道${clock}-${i}号`, GXSJ: sourceTime(T0 + (clock + i / 100) * 1000) });
    }
    await fe.db(P).whereIn('RYBH', ids.slice(0, 10).map((r) => r.RYBH)).update({ SCBZ: 1 });
    await fe.insertPeople(nextId, 20, () => sourceTime(T0 + (clock + 9) * 1000));
    nextId += 20;
    if (physicalDeletes) {
      const gone = await fe.db(P).select('RYBH').orderBy('RYBH', 'desc').limit(physicalDeletes).offset(Math.floor(Math.random() * 500));
      await fe.db(P).whereIn('RYBH', gone.map((r) => r.RYBH)).del();
    }
  }

  /** Every source row at or before the watermark is stored at exactly its source version. */
  async function expectWatermarkNotAhead(): Promise<void> {
    const wm = await getWatermark(gw.db, 'pop');
    if (!wm) return;
    const src = await fe.db(P).select('RYBH', 'GXSJ');
    const covered = src.filter((r) => r.GXSJ < wm.t || (r.GXSJ === wm.t && wm.k !== null && String(r.RYBH) <= String(wm.k[0])));
    const stored = new Map<string, string>();
    for (const r of await gw.db('population').select('rybh', 'src_updated_at')) stored.set(r.rybh, r.src_updated_at);
    const missing = covered.filter((r) => stored.get(r.RYBH) !== r.GXSJ);
    expect(missing.map((r) => r.RYBH)).toEqual([]);
  }

  async function expectNoDuplicates(): Promise<void> {
    const [{ n, ids }] = await gw.db('population').where({ deleted: false }).select(gw.db.raw('count(*) as n'), gw.db.raw('count(distinct gmsfzh) as ids'));
    expect(Number(ids)).toBe(Number(n));
  }

  it('full runs killed at random points, then one run to completion, leave target = source', async () => {
    let landed = 0;
    for (let attempt = 0; attempt < 20 && landed < KILLS_PER_PHASE; attempt++) {
      if (await killedRun(['--full'])) landed++;
      await mutate(100, 15);
    }
    expect(landed).toBeGreaterThanOrEqual(KILLS_PER_PHASE);
    const out = await runToCompletion(['--full']);
    expect(out).toContain('成功');
    await expectConverged(fe.db, gw.db);
    await expectNoDuplicates();
    await expectWatermarkNotAhead();
    const stuck = await gw.db('sync_runs').where({ status: 'running' }).count({ n: '*' }).first();
    expect(Number(stuck!.n)).toBe(0);
  });

  it('incremental runs killed at random points never leave the watermark ahead, and converge', async () => {
    let landed = 0;
    for (let attempt = 0; attempt < 20 && landed < KILLS_PER_PHASE; attempt++) {
      await mutate(2500, 0);
      if (await killedRun([])) landed++;
      await expectWatermarkNotAhead();
    }
    expect(landed).toBeGreaterThanOrEqual(KILLS_PER_PHASE);
    await runToCompletion([]);
    await expectConverged(fe.db, gw.db);
    await expectNoDuplicates();
    await expectWatermarkNotAhead();
    const flagged = await fe.db(P).where({ SCBZ: 1 }).pluck('RYBH');
    const deleted = await gw.db('population').where({ deleted: true }).pluck('rybh');
    expect(deleted).toEqual(expect.arrayContaining(flagged));
  });
});
