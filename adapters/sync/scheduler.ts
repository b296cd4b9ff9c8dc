/**
 * The scheduler: one node-cron task per job schedule (full and incremental). Runs go through
 * the engine, so overlapping ticks and other gateway processes are kept out by its guard and
 * lease. Job definitions are re-read every minute, so jobs added by the CLI or the operator
 * API are picked up without a restart.
 */
import cron, { ScheduledTask } from 'node-cron';
import type { Knex } from 'knex';
import type { Logger } from '../../core/logger';
import { SyncEngine } from './engine';
import { listJobs } from './jobs';
import { summaryLine, RunMode } from './runs';
import { claimTick } from './lease';

/**
 * On stop, runs in progress get this long to finish on their own before they are aborted at
 * their next checkpoint (recorded as failed, lease released). Part of the shutdown bound.
 */
export const RUN_STOP_GRACE_MS = 5000;

export interface Scheduler {
  engine: SyncEngine;
  reload(): Promise<void>;
  /** No new runs; runs in progress finish within graceMs or are aborted. */
  stop(graceMs?: number): Promise<void>;
}

export async function startScheduler(db: Knex, log: Logger, engine = new SyncEngine(db)): Promise<Scheduler> {
  const tasks = new Map<string, { expr: string; task: ScheduledTask }>();
  const active = new Set<Promise<unknown>>();
  let stopped = false;

  const tick = (jobId: string, mode: RunMode, slot: Date) => {
    if (stopped) return;
    const p = claimTick(db, `${jobId}:${mode}`, Math.floor(slot.getTime() / 1000) * 1000, engine.holder)
      .then((mine) => (mine ? engine.runById(jobId, mode) : ({ status: 'skipped', reason: '另一进程已认领本次调度' } as const)))
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
      const task = cron.schedule(w.expr, (c) => tick(w.jobId, w.mode, c.date), { name: `dprs-${name}`, noOverlap: true });
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
    async stop(graceMs = RUN_STOP_GRACE_MS) {
      stopped = true;
      await refresher.destroy();
      for (const t of tasks.values()) await t.task.destroy();
      tasks.clear();
      // the engine lets runs finish within the grace, then aborts them (recorded, leases released)
      await engine.stop(graceMs);
      await Promise.allSettled([...active]);
    },
  };
}
