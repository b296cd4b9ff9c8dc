/**
 * Run history (sync_runs): one row per run, counters kept current while it runs, and the
 * DataX-style summary printed at its end.
 */
import os from 'node:os';
import type { Knex } from 'knex';
import { isVerificationSource } from '../verification/ownership';

export type RunMode = 'full' | 'incr';
export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface RunCounters {
  read: number;
  written: number;
  unchanged: number;
  rejected: number;
  deleted: number;
  /** rows a full run changed that are stamped before the incremental watermark (漂移) */
  drift: number;
  /** source rows stamped more than FUTURE_TOLERANCE_SECONDS ahead of the source clock (未来时间) */
  future: number;
}

export interface RunRecord extends RunCounters {
  id: number;
  jobId: string;
  mode: RunMode;
  status: RunStatus;
  startedAt: number;
  endedAt: number | null;
  error: string | null;
}

export const zeroCounters = (): RunCounters => ({ read: 0, written: 0, unchanged: 0, rejected: 0, deleted: 0, drift: 0, future: 0 });

export function addCounters(into: RunCounters, c: RunCounters): void {
  into.read += c.read;
  into.written += c.written;
  into.unchanged += c.unchanged;
  into.rejected += c.rejected;
  into.deleted += c.deleted;
  into.drift += c.drift;
  into.future += c.future;
}

export async function startRun(db: Knex, jobId: string, mode: RunMode): Promise<number> {
  const [id] = await db('sync_runs').insert({ job_id: jobId, mode, status: 'running', started_at: Date.now(), host: `${os.hostname()}:${process.pid}` });
  return Number(id);
}

const counterColumns = (c: RunCounters) => ({
  rows_read: c.read,
  rows_written: c.written,
  rows_unchanged: c.unchanged,
  rows_rejected: c.rejected,
  rows_deleted: c.deleted,
  rows_drift: c.drift,
  rows_future: c.future,
});

export async function setRunMode(db: Knex, id: number, mode: RunMode): Promise<void> {
  await db('sync_runs').where({ id }).update({ mode });
}

export async function saveProgress(db: Knex, id: number, c: RunCounters): Promise<void> {
  await db('sync_runs').where({ id }).update(counterColumns(c));
}

export async function finishRun(db: Knex, id: number, status: RunStatus, c: RunCounters, error: string | null): Promise<void> {
  await db('sync_runs').where({ id }).update({ ...counterColumns(c), status, ended_at: Date.now(), error });
}

/**
 * A run still 'running' while this process holds the job's lease was left by a process that
 * died: mark it failed so the history does not lie.
 */
export async function failAbandonedRuns(db: Knex, jobId: string): Promise<number> {
  return db('sync_runs').where({ job_id: jobId, status: 'running' }).update({ status: 'failed', ended_at: Date.now(), error: '进程中断（运行未正常结束）' });
}

type RunRow = Record<string, unknown>;
export function toRecord(r: RunRow): RunRecord {
  return {
    id: Number(r.id),
    jobId: String(r.job_id),
    mode: r.mode as RunMode,
    status: r.status as RunStatus,
    startedAt: Number(r.started_at),
    endedAt: r.ended_at == null ? null : Number(r.ended_at),
    read: Number(r.rows_read),
    written: Number(r.rows_written),
    unchanged: Number(r.rows_unchanged),
    rejected: Number(r.rows_rejected),
    deleted: Number(r.rows_deleted),
    drift: Number(r.rows_drift ?? 0),
    future: Number(r.rows_future ?? 0),
    error: r.error == null ? null : String(r.error),
  };
}

export async function getRun(db: Knex, id: number): Promise<RunRecord | null> {
  const r = await db('sync_runs').where({ id }).first();
  return r ? toRecord(r) : null;
}

/** A job's newest runs, newest first: from the end of the (job_id, started_at) index (by id alone, every run the job kept was sorted). */
export async function lastRuns(db: Knex, jobId: string, limit = 5): Promise<RunRecord[]> {
  const rows = await db('sync_runs').where({ job_id: jobId }).orderBy([{ column: 'started_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit);
  return rows.map(toRecord);
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** The rejected rows of one run, oldest first, at most `limit`. */
export async function rejectsOfRun(db: Knex, runId: number, limit = 500): Promise<Array<{ row_key: string | null; reason: string; raw: unknown; created_at: number }>> {
  const rows = await db('sync_rejects').where({ run_id: runId }).orderBy('id').limit(limit);
  return rows.map((x) => ({ row_key: x.row_key, reason: x.reason, raw: JSON.parse(x.raw), created_at: Number(x.created_at) }));
}

/** The jobs filling the library (table) `target`: a 校核源 fills nothing. */
async function authoritativeJobIds(db: Knex, target: string): Promise<string[]> {
  const jobs = (await db('sync_jobs').where({ target }).select('id', 'definition')) as Array<{ id: string; definition: string }>;
  return jobs.filter((j) => !isVerificationSource(JSON.parse(j.definition) as { role?: 'verify' })).map((j) => j.id);
}

/**
 * Whether an authoritative job into the library (table) `target` has completed a full run.
 */
export async function authoritativeFullRunCompleted(db: Knex, target: string): Promise<boolean> {
  const ids = await authoritativeJobIds(db, target);
  if (ids.length === 0) return false;
  return Boolean(await db('sync_runs').whereIn('job_id', ids).where({ mode: 'full', status: 'succeeded' }).first('id'));
}

/**
 * The libraries (tables) into which an authoritative job has completed a full run: one query
 * for the jobs, then one indexed point query per job not yet settled (a job's first run is
 * full, so it is found near the start of the job's history, however long that is).
 */
export async function targetsWithAuthoritativeFullRun(db: Knex): Promise<Set<string>> {
  const jobs = (await db('sync_jobs').select('id', 'target', 'definition')) as Array<{ id: string; target: string; definition: string }>;
  const filled = new Set<string>();
  for (const j of jobs) {
    if (filled.has(j.target) || isVerificationSource(JSON.parse(j.definition) as { role?: 'verify' })) continue;
    if (await db('sync_runs').where({ job_id: j.id, mode: 'full', status: 'succeeded' }).first('id')) filled.add(j.target);
  }
  return filled;
}

/**
 * The newest run of each job, through the (job_id, started_at) index from its newest end:
 * a job's runs never overlap (its lease), so the newest started is the newest ended. A
 * max() over the job's runs read its whole history — ~100,000 runs a year for a job every
 * five minutes — on every resource page.
 */
async function newestRunOfJob(db: Knex, jobId: string, status?: 'succeeded'): Promise<{ id: number; status: string; ended_at: number | null } | undefined> {
  const q = db('sync_runs').where({ job_id: jobId });
  if (status) q.where({ status });
  return (await q.orderBy([{ column: 'started_at', order: 'desc' }, { column: 'id', order: 'desc' }]).first('id', 'status', 'ended_at')) as
    | { id: number; status: string; ended_at: number | null }
    | undefined;
}

/** When the last successful run (full or incremental) of an authoritative job into `target` ended, or null. */
export async function lastAuthoritativeSuccess(db: Knex, target: string): Promise<number | null> {
  let last: number | null = null;
  for (const id of await authoritativeJobIds(db, target)) {
    const run = await newestRunOfJob(db, id, 'succeeded');
    if (run?.ended_at != null && (last === null || Number(run.ended_at) > last)) last = Number(run.ended_at);
  }
  return last;
}

/**
 * What changes whenever the library (table) `target` may have: the newest run of each job
 * filling it, with its state — a run that starts, ends or fails gives another value.
 */
export async function libraryRunsKey(db: Knex, target: string): Promise<string> {
  const parts: string[] = [];
  for (const id of await authoritativeJobIds(db, target)) {
    const run = await newestRunOfJob(db, id);
    parts.push(run ? `${id}#${run.id}:${run.status}` : `${id}#-`);
  }
  return parts.join(',');
}

/** DataX-style summary: 任务启动时刻 … 读出记录总数 …, on one line per run. */
export function summaryLine(r: RunRecord): string {
  const end = r.endedAt ?? Date.now();
  const secs = Math.max(0.001, (end - r.startedAt) / 1000);
  return [
    `任务 ${r.jobId} (${r.mode === 'full' ? '全量' : '增量'} #${r.id}) ${r.status === 'succeeded' ? '成功' : r.status === 'failed' ? '失败' : '运行中'}`,
    `启动时刻 ${stamp(r.startedAt)}Z`,
    `结束时刻 ${stamp(end)}Z`,
    `总计耗时 ${secs.toFixed(1)}s`,
    `速度 ${Math.round(r.read / secs)} rec/s`,
    `读出 ${r.read}`,
    `写入 ${r.written}`,
    `未变 ${r.unchanged}`,
    `拒绝 ${r.rejected}`,
    `删除 ${r.deleted}`,
    `漂移 ${r.drift}`,
    `未来时间 ${r.future}`,
  ].join(' | ') + (r.error ? ` | 原因 ${r.error}` : '') + runWarnings(r).map((w) => ` | 警告 ${w}`).join('');
}

/** What an operator should look into after a run that otherwise went well. */
export function runWarnings(r: RunCounters): string[] {
  const out: string[] = [];
  if (r.drift > 0) {
    out.push(`全量运行补齐了 ${r.drift} 行增量运行本应同步的数据（更新时间早于水位线）；可能原因：事务提交晚于 lookbackSeconds 回看窗口、写入方时钟慢于源库时钟、或任务定义改变了列映射`);
  }
  if (r.future > 0) {
    out.push(`源表有 ${r.future} 行更新时间超前源库时钟；这些行待源库时钟到达其更新时间后才进入增量同步，请核对写入方时钟`);
  }
  return out;
}

export interface JobRunSummary {
  jobId: string;
  /** runs started since `since`, and how many of them succeeded */
  runs: number;
  succeeded: number;
}

/**
 * Per job: its runs since a time and how many succeeded — the department report's sync
 * figures. One range of the (job_id, started_at) index per job: grouped in one select, the
 * whole index was walked, every run ever kept.
 */
export async function runSummaries(db: Knex, since: number): Promise<JobRunSummary[]> {
  const jobs = (await db('sync_jobs').orderBy('id').pluck('id')) as string[];
  const out: JobRunSummary[] = [];
  for (const jobId of jobs) {
    const row = (await db('sync_runs')
      .where({ job_id: jobId })
      .where('started_at', '>=', since)
      .count({ runs: '*' })
      .select(db.raw("sum(case when status = 'succeeded' then 1 else 0 end) as ok"))
      .first()) as { runs: unknown; ok: unknown } | undefined;
    const runs = Number(row?.runs ?? 0);
    if (runs > 0) out.push({ jobId, runs, succeeded: Number(row?.ok ?? 0) });
  }
  return out;
}
