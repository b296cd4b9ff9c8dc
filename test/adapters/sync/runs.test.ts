/**
 * What pages read of the run history — the department report's run counts, a library's last
 * success and the key its live-record count is kept under — found from the (job_id,
 * started_at) index, however many runs a job has kept, on SQLite and MariaDB.
 */
import { failAbandonedRuns, lastRuns, libraryRunsKey, lastAuthoritativeSuccess, runSummaries } from '../../../adapters/sync/runs';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../../support/databases';
import { fullScans, selectsOf, sortsRows } from '../../support/query-plans';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

describe.each(STORAGE_TARGETS)('the run history on %s', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await freshDatabase(target);
    const job = (id: string, role?: 'verify') => ({ id, target: 'population', definition: JSON.stringify({ id, target: 'population', ...(role ? { role } : {}) }), enabled: true, created_at: T0, updated_at: T0 });
    await t.db('sync_jobs').insert([job('a'), job('b'), job('check', 'verify')]);
  });
  afterEach(async () => {
    await t.drop();
  });

  const run = (jobId: string, hour: number, status: string) => ({ job_id: jobId, mode: 'incr', status, started_at: T0 + hour * HOUR, ended_at: status === 'running' ? null : T0 + hour * HOUR + 1000, host: 'test' });

  it('counts the runs of each job since a time, reads the last success, the newest runs and a key that moves with every run, each by the index', async () => {
    // a year of hourly runs for job a would be long: 400 before the window, then the window
    const history = Array.from({ length: 400 }, (_, h) => run('a', h, h % 10 === 0 ? 'failed' : 'succeeded'));
    for (let i = 0; i < history.length; i += 100) await t.db('sync_runs').insert(history.slice(i, i + 100));
    await t.db('sync_runs').insert([run('a', 500, 'succeeded'), run('a', 501, 'failed'), run('b', 300, 'succeeded'), run('check', 502, 'succeeded')]);
    if (target === 'mysql') await t.db.raw('analyze table `sync_runs`');

    let summaries: Awaited<ReturnType<typeof runSummaries>> = [];
    let last: number | null = null;
    let key = '';
    const selects = await selectsOf(t.db, async () => {
      summaries = await runSummaries(t.db, T0 + 450 * HOUR);
      last = await lastAuthoritativeSuccess(t.db, 'population');
      key = await libraryRunsKey(t.db, 'population');
    });
    expect(summaries).toEqual([
      { jobId: 'a', runs: 2, succeeded: 1 },
      { jobId: 'check', runs: 1, succeeded: 1 },
    ]);
    // the newest success of a job that fills the library; a 校核源 fills nothing
    expect(last).toBe(T0 + 500 * HOUR + 1000);
    const runs = selects.filter((s) => s.sql.includes('sync_runs'));
    expect(runs.length).toBeGreaterThan(3);
    for (const s of runs) expect({ sql: s.sql, scans: await fullScans(t.db, target, s.sql, s.bindings) }).toEqual({ sql: s.sql, scans: [] });

    // a job's newest runs, newest first, in the index's order: nothing sorted
    let newest: Awaited<ReturnType<typeof lastRuns>> = [];
    const [latest] = await selectsOf(t.db, async () => (newest = await lastRuns(t.db, 'a', 3)));
    expect(newest.map((r) => [r.startedAt, r.status])).toEqual([[T0 + 501 * HOUR, 'failed'], [T0 + 500 * HOUR, 'succeeded'], [T0 + 399 * HOUR, 'succeeded']]);
    expect({ sql: latest.sql, sorts: await sortsRows(t.db, target, latest.sql, latest.bindings), scans: await fullScans(t.db, target, latest.sql, latest.bindings) }).toEqual({ sql: latest.sql, sorts: false, scans: [] });

    // the key moves when a run starts and again when it ends
    await t.db('sync_runs').insert(run('b', 600, 'running'));
    const started = await libraryRunsKey(t.db, 'population');
    expect(started).not.toBe(key);
    await t.db('sync_runs').where({ job_id: 'b', started_at: T0 + 600 * HOUR }).update({ status: 'succeeded', ended_at: T0 + 600 * HOUR + 5 });
    const ended = await libraryRunsKey(t.db, 'population');
    expect([ended === started, ended === key]).toEqual([false, false]);
  });

  it('finds a job\'s runs left running among the running ones, not along its history', async () => {
    const history = Array.from({ length: 400 }, (_, h) => run('a', h, 'succeeded'));
    for (let i = 0; i < history.length; i += 100) await t.db('sync_runs').insert(history.slice(i, i + 100));
    await t.db('sync_runs').insert([run('a', 450, 'running'), run('b', 451, 'running')]);
    if (target === 'mysql') await t.db.raw('analyze table `sync_runs`');
    const updates: Array<{ sql: string; bindings: readonly unknown[] }> = [];
    const record = (q: { sql: string; bindings?: unknown[] }) => void (/^update/i.test(q.sql) && updates.push({ sql: q.sql, bindings: q.bindings ?? [] }));
    t.db.on('query', record);
    try {
      expect(await failAbandonedRuns(t.db, 'a')).toBe(1);
    } finally {
      t.db.off('query', record);
    }
    expect((await t.db('sync_runs').where({ status: 'running' }).pluck('job_id')) as string[]).toEqual(['b']);
    expect(updates).toHaveLength(1);
    const [u] = updates;
    const plan =
      target === 'sqlite'
        ? ((await t.db.raw(`explain query plan ${u.sql}`, u.bindings as never[])) as Array<{ detail: string }>).map((r) => r.detail).join(' | ')
        : ((await t.db.raw(`explain ${u.sql}`, u.bindings as never[])) as [Array<{ key: string | null }>])[0].map((r) => r.key ?? '-').join(' | ');
    expect(plan).toContain('sync_runs_status_job_index');
  });
});
