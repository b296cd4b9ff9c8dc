/**
 * Leases: of two engines (or two processes) on one database exactly one runs a job; an
 * expired lease, or one whose holder died on this host, is taken over.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { acquireLease, claimTick, leaseHolder, releaseLease, renewLease } from '../../../adapters/sync/lease';
import { SyncEngine } from '../../../adapters/sync/engine';
import { removeJob, saveJob } from '../../../adapters/sync/jobs';
import { freshDatabase, STORAGE_TARGETS, tempDir, TestDatabase } from '../../support/databases';
import { frontEnd, FrontEnd } from '../../support/sync';

const CLI = path.resolve(__dirname, '../../../dist/scripts/cli.js');

describe.each(STORAGE_TARGETS)('leases on %s', (target) => {
  let gw: TestDatabase;
  let fe: FrontEnd;
  beforeAll(async () => {
    gw = await freshDatabase(target);
    fe = await frontEnd(target);
    await fe.insertPeople(0, 1500);
  });
  afterAll(async () => {
    await gw.drop();
    await fe.drop();
  });

  it('lets one holder in, refuses another until release or expiry, and detects a lost lease', async () => {
    expect(await acquireLease(gw.db, 'x', 'a:1:a', 60000)).toBe(true);
    expect(await acquireLease(gw.db, 'x', 'b:1:b', 60000)).toBe(false);
    await releaseLease(gw.db, 'x', 'a:1:a');
    expect(await acquireLease(gw.db, 'x', 'b:1:b', 50)).toBe(true);
    await new Promise((r) => setTimeout(r, 80));
    expect(await acquireLease(gw.db, 'x', 'c:1:c', 60000)).toBe(true); // expired: taken over
    expect(await renewLease(gw.db, 'x', 'b:1:b')).toBe(false);
    expect((await leaseHolder(gw.db, 'x'))?.holder).toBe('c:1:c');
  });

  it('takes over at once from a holder that died on this host', async () => {
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.once('exit', r));
    await gw.db('leases').insert({ name: 'y', holder: `${os.hostname()}:${dead.pid}:dead`, expires_at: Date.now() + 60000, acquired_at: Date.now() });
    expect(await acquireLease(gw.db, 'y', 'me:1:me')).toBe(true);
  });

  it('runs a job on exactly one of two engines sharing the database', async () => {
    const job = await saveJob(gw.db, fe.job({ id: 'two-engines', throttle: 3000 }));
    const [a, b] = await Promise.all([new SyncEngine(gw.db).run(job, 'full'), new SyncEngine(gw.db).run(job, 'full')]);
    expect([a.status, b.status].sort()).toEqual(['skipped', 'succeeded']);
    const skipped = a.status === 'skipped' ? a : b;
    if (skipped.status === 'skipped') expect(skipped.reason).toMatch(/^任务 two-engines 正由 .+ 运行$/);
  });

  it('runs a job in exactly one of two processes started together', async () => {
    // 1,500 rows at 300 rows/s: 5 s, long enough to overlap even when start-up is slow under load
    await removeJob(gw.db, 'two-engines'); // 一数一源: one authoritative job per item
    await saveJob(gw.db, fe.job({ id: 'two-procs', throttle: 300 }));
    const dataDir = tempDir('dprs-lease-');
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ...(target === 'mysql' ? { DB_CLIENT: 'mysql', DATABASE_URL: gw.url } : { DB_CLIENT: 'sqlite', DATABASE_URL: `sqlite:${gw.url}` }),
    };
    const runOne = () =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'sync', 'run', 'two-procs', '--full'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.once('exit', (code) => resolve({ code, out }));
      });
    const results = await Promise.all([runOne(), runOne()]);
    const codes = results.map((r) => r.code).sort();
    expect(codes).toEqual([0, 1]);
    expect(results.find((r) => r.code === 1)!.out).toContain('未运行：任务 two-procs 正由');
    expect(results.find((r) => r.code === 0)!.out).toContain('读出 1500');
    expect(Number((await gw.db('sync_runs').where({ job_id: 'two-procs' }).count({ n: '*' }).first())!.n)).toBe(1);
  });

  it('gives each scheduled tick to one claimant only, in order', async () => {
    const slot = 1_800_000_000_000;
    const claims = await Promise.all(['a:1:a', 'b:2:b', 'c:3:c'].map((h) => claimTick(gw.db, 'job:incr', slot, h)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimTick(gw.db, 'job:incr', slot, 'a:1:a')).toBe(false);
    expect(await claimTick(gw.db, 'job:incr', slot - 2000, 'b:2:b')).toBe(false); // an older tick arriving late
    expect(await claimTick(gw.db, 'job:full', slot, 'b:2:b')).toBe(true); // another schedule of the job
    expect(await claimTick(gw.db, 'job:incr', slot + 2000, 'b:2:b')).toBe(true);
  });
});
