/**
 * The scheduler runs jobs on their cron expressions through the engine (first run full,
 * then incremental), picks up new jobs on reload, never overlaps a job, and stops cleanly.
 */
import { startScheduler } from '../../../adapters/sync/scheduler';
import { saveJob } from '../../../adapters/sync/jobs';
import { createLogger } from '../../../core/logger';
import { freshDatabase, TestDatabase } from '../../support/databases';
import { expectConverged, frontEnd, FrontEnd } from '../../support/sync';

describe('sync scheduler', () => {
  let gw: TestDatabase;
  let fe: FrontEnd;
  beforeAll(async () => {
    gw = await freshDatabase('sqlite');
    fe = await frontEnd('sqlite');
    await fe.insertPeople(0, 200);
  });
  afterAll(async () => {
    await gw.drop();
    await fe.drop();
  });

  it('runs a newly added job every second: full first, then incremental, one at a time', async () => {
    const scheduler = await startScheduler(gw.db, createLogger('silent'));
    try {
      await saveJob(gw.db, fe.job({ schedule: { incremental: '* * * * * *' }, throttle: 400 }));
      await scheduler.reload();
      const deadline = Date.now() + 8000;
      let runs: Array<{ mode: string; status: string; started_at: number; ended_at: number | null }> = [];
      while (Date.now() < deadline) {
        runs = await gw.db('sync_runs').orderBy('id');
        if (runs.filter((r) => r.status === 'succeeded').length >= 2) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(runs[0]).toMatchObject({ mode: 'full', status: 'succeeded' });
      expect(runs.some((r) => r.mode === 'incr')).toBe(true);
      // the full run took ~0.5 s at 400 rows/s: ticks during it were skipped, not stacked
      for (let i = 1; i < runs.length; i++) expect(Number(runs[i].started_at)).toBeGreaterThanOrEqual(Number(runs[i - 1].ended_at ?? Infinity));
      await expectConverged(fe.db, gw.db);
    } finally {
      await scheduler.stop();
    }
    expect(Number((await gw.db('sync_runs').where({ status: 'running' }).count({ n: '*' }).first())!.n)).toBe(0);
  });
});
