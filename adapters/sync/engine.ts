/**
 * The sync engine: runs one job once, full or incremental. Never two runs of one job at a
 * time — an in-process guard, and the `sync:<job>` lease for other processes — and every run
 * is recorded in sync_runs whatever its end.
 */
import type { Knex } from 'knex';
import type { Logger } from '../../core/logger';
import { errorFields } from '../../core/logger';
import { openSource, SourceError, SourceReader } from '../sources';
import { getJob, isCsvSource, Job, JobDefinitionError } from './jobs';
import { acquireLease, DEFAULT_LEASE_MS, leaseHolder, newHolder, releaseLease, renewLease } from './lease';
import { failAbandonedRuns, finishRun, setRunMode, getRun, RunCounters, RunMode, RunRecord, saveProgress, startRun, zeroCounters } from './runs';
import { BatchStep, RunAbort, RunContext } from './context';
import { runFull } from './full';
import { runIncremental } from './incremental';
import { getWatermark } from './watermarks';
import { describeDbError, isSchemaMismatch, isUnreachable } from '../../core/db-errors';
import { leaseHeld, syncRows, syncRunDuration, syncRuns } from '../../core/metrics';

export interface EngineOptions {
  leaseMs?: number;
  /** tests replace the source to simulate outages */
  openSource?: (job: Job) => SourceReader;
  onProgress?: (jobId: string, c: RunCounters) => void;
  /** tests inject failures at each step of a batch (see BatchStep) */
  onStep?: (step: BatchStep, mode: RunMode) => void | Promise<void>;
}

/** A percentage of rejects fails a run only once it has read this many rows: 2 bad rows in 13 are no trend. */
export const MIN_ROWS_FOR_PERCENT = 100;
/** Mid-run, the percentage is applied once this many rows are read (the final check applies it from MIN_ROWS_FOR_PERCENT). */
const MID_RUN_ROWS_FOR_PERCENT = 1000;

export type RunOutcome =
  | { status: 'succeeded' | 'failed'; run: RunRecord }
  | { status: 'skipped'; reason: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Operator-readable failure: our own messages as they are, driver errors by kind only. */
export function describeFailure(err: unknown): string {
  if (err instanceof RunAbort || err instanceof SourceError || err instanceof JobDefinitionError) return err.message;
  const described = describeDbError(err);
  if (described && isUnreachable(err)) return `数据库访问失败：${described}`;
  if (described && isSchemaMismatch(err)) return `源表或列不存在：${described}`;
  if (described) return `同步失败：${described}`;
  const code = (err as { code?: string } | null | undefined)?.code;
  // a plain error of ours says what went wrong in Chinese; a driver's (it carries a code) may quote the data
  if (err instanceof Error && code === undefined && /^[^\s]*[\u4e00-\u9fa5]/.test(err.message)) return err.message.slice(0, 200);
  return `同步失败（${code ?? (err instanceof Error ? err.name : 'error')}）`;
}

function recordRunMetrics(job: string, mode: RunMode, status: string, c: RunCounters, ms: number): void {
  syncRuns.inc({ job, mode, status });
  syncRunDuration.observe({ job, mode }, ms / 1000);
  for (const outcome of ['read', 'written', 'unchanged', 'rejected', 'deleted', 'drift', 'future'] as const) {
    if (c[outcome] > 0) syncRows.inc({ job, outcome }, c[outcome]);
  }
}

export class SyncEngine {
  private readonly running = new Set<string>();
  private readonly inflight = new Set<Promise<RunOutcome>>();
  /** set by stop(): no new runs */
  private closed = false;
  /** set by stop() once the grace is over: runs end at their next checkpoint */
  private aborting = false;
  readonly holder = newHolder();

  constructor(
    private readonly db: Knex,
    private readonly opts: EngineOptions = {},
  ) {}

  isRunning(jobId: string): boolean {
    return this.running.has(jobId);
  }

  /** An operator's "run now": answered at once; a run that cannot start is logged, never thrown. */
  startDetached(job: Job, mode: RunMode, log: Logger): void {
    this.run(job, mode).catch((err: unknown) => log.error({ job: job.id, ...errorFields(err) }, 'sync run could not start'));
  }

  /**
   * For shutdown: no new runs start; runs in progress (scheduled or started by an operator)
   * get graceMs to finish, then stop at their next checkpoint, recorded as failed with their
   * leases released (the next run resumes from the watermark).
   */
  async stop(graceMs: number): Promise<void> {
    this.closed = true;
    const settled = Promise.allSettled([...this.inflight]);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), graceMs)));
    if ((await Promise.race([settled, graceOver])) === 'late') this.aborting = true;
    clearTimeout(timer);
    await settled;
  }

  async runById(jobId: string, mode: RunMode): Promise<RunOutcome> {
    const stored = await getJob(this.db, jobId);
    if (!stored) return { status: 'skipped', reason: `没有同步任务 ${jobId}` };
    return this.run(stored.job, mode);
  }

  run(job: Job, wanted: RunMode): Promise<RunOutcome> {
    if (this.closed) return Promise.resolve({ status: 'skipped', reason: '网关正在停止' });
    const p = this.runGuarded(job, wanted);
    const done = () => this.inflight.delete(p);
    this.inflight.add(p);
    p.then(done, done);
    return p;
  }

  private async runGuarded(job: Job, wanted: RunMode): Promise<RunOutcome> {
    if (this.running.has(job.id)) return { status: 'skipped', reason: `任务 ${job.id} 正在本进程运行` };
    this.running.add(job.id);
    const lease = `sync:${job.id}`;
    const ttl = this.opts.leaseMs ?? DEFAULT_LEASE_MS;
    try {
      if (!(await acquireLease(this.db, lease, this.holder, ttl))) {
        const h = await leaseHolder(this.db, lease);
        return { status: 'skipped', reason: `任务 ${job.id} 正由 ${h?.holder ?? '其他进程'} 运行` };
      }
      leaseHeld.set({ lease }, 1);
      try {
        await failAbandonedRuns(this.db, job.id);
        // incremental needs a watermark: without one (or from a CSV file) the run is full
        const mode: RunMode = wanted === 'incr' && !isCsvSource(job.source) && (await getWatermark(this.db, job.id)) ? 'incr' : 'full';
        return await this.execute(job, mode, lease, ttl);
      } finally {
        await releaseLease(this.db, lease, this.holder).catch(() => undefined);
        leaseHeld.set({ lease }, 0);
      }
    } finally {
      this.running.delete(job.id);
    }
  }

  private async execute(job: Job, wanted: RunMode, lease: string, ttl: number): Promise<RunOutcome> {
    let mode = wanted;
    const runId = await startRun(this.db, job.id, mode);
    const counters = zeroCounters();
    const started = Date.now();
    /** set by the renewal timer below once another process holds the lease */
    let lost = false;
    let lastProgress = 0;
    let reader: SourceReader | null = null;
    const rc: RunContext = {
      db: this.db,
      job,
      runId,
      reader: null as unknown as SourceReader,
      counters,
      checkpoint: async () => {
        if (lost) throw new RunAbort('租约已失效，另一进程可能已接管该任务');
        if (this.aborting) throw new RunAbort('网关正在停止，本次运行中止（下次从水位线继续）');
        // progress is for people watching: once a second is plenty, and spares a commit per batch
        // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: saving more often (`true`, `>`, `+`) costs commits only; never saving is killed by the progress test, which the marker hides
        if (Date.now() - lastProgress >= 1000) {
          lastProgress = Date.now();
          await saveProgress(this.db, runId, counters);
        }
        this.opts.onProgress?.(job.id, counters);
        rc.checkErrorLimit(false);
        if (job.throttle) {
          const due = started + (counters.read / job.throttle) * 1000;
          // Stryker disable next-line ConditionalExpression,EqualityOperator: a sleep of no time is no sleep
          if (due > Date.now()) await sleep(due - Date.now());
        }
      },
      step: async (name) => {
        await this.opts.onStep?.(name, mode);
      },
      checkErrorLimit: (final) => {
        const { records, percent } = job.errorLimit;
        if (counters.rejected > records) throw new RunAbort(`拒绝记录 ${counters.rejected} 条，超过上限 ${records} 条`);
        if (counters.read >= (final ? MIN_ROWS_FOR_PERCENT : MID_RUN_ROWS_FOR_PERCENT) && (counters.rejected / counters.read) * 100 > percent) {
          throw new RunAbort(`拒绝记录占 ${((counters.rejected / counters.read) * 100).toFixed(1)}%，超过上限 ${percent}%`);
        }
      },
    };
    // renewed on a timer, not between batches: one batch may outlast the lease
    // Stryker disable next-line MethodExpression: Math.min renews more often than needed, which costs only load
    const renewEvery = Math.max(1000, Math.floor(ttl / 3));
    const timer = setInterval(() => {
      renewLease(this.db, lease, this.holder, ttl).then((ok) => (lost = lost || !ok), () => undefined);
    }, renewEvery);
    timer.unref();
    let status: 'succeeded' | 'failed' = 'failed';
    try {
      reader = (this.opts.openSource ?? openSource)(job);
      rc.reader = reader;
      if (mode === 'full') await runFull(rc);
      else if ((await runIncremental(rc)) === 'needs-full') {
        // a watermark ahead of the source clock (left by an older version) blinds every
        // incremental run: this run becomes the full run that resets it
        mode = 'full';
        await setRunMode(this.db, runId, mode);
        await runFull(rc);
      }
      await finishRun(this.db, runId, 'succeeded', counters, null);
      status = 'succeeded';
      return { status, run: (await getRun(this.db, runId))! };
    } catch (err) {
      await finishRun(this.db, runId, 'failed', counters, describeFailure(err));
      return { status, run: (await getRun(this.db, runId))! };
    } finally {
      clearInterval(timer);
      if (reader) await reader.close().catch(() => undefined);
      recordRunMetrics(job.id, mode, status, counters, Date.now() - started);
    }
  }
}
