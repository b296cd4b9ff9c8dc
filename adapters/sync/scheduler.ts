/**
 * The scheduler: one node-cron task per job schedule (full and incremental). Runs go through
 * the engine, so overlapping ticks and other gateway processes are kept out by its guard and
 * lease. Job definitions are re-read every minute, so jobs added by the CLI or the operator
 * API are picked up without a restart.
 */
import cron, { ScheduledTask } from 'node-cron';
import type { Knex } from 'knex';
import type { Logger } from '../../gateway/logger';
import { SyncEngine } from './engine';
import { listJobs } from './jobs';
import { summaryLine, RunMode } from './runs';

export interface Scheduler {
  engine: SyncEngine;
  reload(): Promise<void>;
  stop(): Promise<void>;
}

export async function startScheduler(db: Knex, log: Logger, engine = new SyncEngine(db)): Promise<Scheduler> {
  const tasks = new Map<string, { expr: string; task: ScheduledTask }>();
  const active = new Set<Promise<unknown>>();
  let stopped = false;

  const tick = (jobId: string, mode: RunMode) => {
    if (stopped) return;
    const p = engine
      .runById(jobId, mode)
      .then((o) => {
        if (o.status === 'skipped') log.debug({ job: jobId, reason: o.reason }, 'sync run skipped');
        else log[o.status === 'succeeded' ? 'info' : 'warn']({ job: jobId, run: o.run.id }, summaryLine(o.run));
      })
      .catch((err: unknown) => log.error({ job: jobId, err: (err as Error).message }, 'sync run could not start'));
    active.add(p);
    p.finally(() => active.delete(p));
  };

  const reload = async () => {
    const wanted = new Map<string, { expr: string; jobId: string; mode: RunMode }>();
    for (const s of await listJobs(db)) {
      if (!s.enabled) continue;
      const { full, incremental } = s.job.schedule ?? {};
      if (full) wanted.set(`${s.job.id}:full`, { expr: full, jobId: s.job.id, mode: 'full' });
      if (incremental) wanted.set(`${s.job.id}:incr`, { expr: incremental, jobId: s.job.id, mode: 'incr' });
    }
    for (const [name, t] of tasks) {
      if (wanted.get(name)?.expr !== t.expr) {
        await t.task.destroy();
        tasks.delete(name);
      }
    }
    for (const [name, w] of wanted) {
      if (tasks.has(name)) continue;
      const task = cron.schedule(w.expr, () => tick(w.jobId, w.mode), { name: `dprs-${name}`, noOverlap: true });
      tasks.set(name, { expr: w.expr, task });
    }
  };

  await reload();
  const refresher = cron.schedule('* * * * *', () => {
    reload().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'sync job reload failed'));
  }, { name: 'dprs-sync-reload' });

  return {
    engine,
    reload,
    async stop() {
      stopped = true;
      await refresher.destroy();
      for (const t of tasks.values()) await t.task.destroy();
      tasks.clear();
      // let running batches finish; their leases are released by the engine
      await Promise.allSettled([...active]);
    },
  };
}
