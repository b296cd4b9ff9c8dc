/**
 * SyncEngine.stop(grace): runs that finish within the grace succeed; a run still going after
 * it is aborted at its next checkpoint, recorded as failed, its lease released; no new run
 * starts afterwards.
 */
import { SyncEngine } from '../../../adapters/sync/engine';
import { removeJob, saveJob } from '../../../adapters/sync/jobs';
import { freshDatabase, TestDatabase } from '../../support/databases';
import { frontEnd, FrontEnd } from '../../support/sync';

describe('stopping the sync engine', () => {
  let fe: FrontEnd;
  let gw: TestDatabase;
  beforeAll(async () => {
    fe = await frontEnd('sqlite');
    gw = await freshDatabase('sqlite');
    await fe.insertPeople(0, 300);
  });
  afterAll(async () => {
    await fe.drop();
    await gw.drop();
  });

  it('lets a quick run finish within the grace', async () => {
    const engine = new SyncEngine(gw.db);
    const job = await saveJob(gw.db, fe.job({ id: 'quick' }));
    const run = engine.run(job, 'full');
    await engine.stop(5000);
    expect((await run).status).toBe('succeeded');
    expect(await engine.run(job, 'full')).toMatchObject({ status: 'skipped' });
  });

  it('aborts a long run after the grace, recording it failed and releasing its lease', async () => {
    const engine = new SyncEngine(gw.db);
    // 300 rows at 100 rows/s: 3 s, checkpoints every 20 rows
    await removeJob(gw.db, 'quick'); // 一数一源: one authoritative job per item
    const job = await saveJob(gw.db, fe.job({ id: 'slow', batchSize: 20, throttle: 100 }));
    const run = engine.run(job, 'full');
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await engine.stop(200);
    const stoppedIn = Date.now() - t0;
    const outcome = await run;
    expect(outcome.status).toBe('failed');
    if (outcome.status === 'skipped') throw new Error('unreachable');
    expect(outcome.run.error).toContain('网关正在停止');
    expect(outcome.run.read).toBeLessThan(300);
    expect(stoppedIn).toBeLessThan(1500); // grace + one throttled batch, not the whole run
    expect(await gw.db('leases').where({ name: 'sync:slow' })).toHaveLength(0);
  });
});
