/**
 * Run history (sync_runs): one row per run, counters kept current while it runs, and the
 * DataX-style summary printed at its end.
 */
import os from 'node:os';
import type { Knex } from 'knex';

export type RunMode = 'full' | 'incr';
export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface RunCounters {
  read: number;
  written: number;
  unchanged: number;
  rejected: number;
  deleted: number;
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

export const zeroCounters = (): RunCounters => ({ read: 0, written: 0, unchanged: 0, rejected: 0, deleted: 0 });

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
});

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
    error: r.error == null ? null : String(r.error),
  };
}

export async function getRun(db: Knex, id: number): Promise<RunRecord | null> {
  const r = await db('sync_runs').where({ id }).first();
  return r ? toRecord(r) : null;
}

export async function lastRuns(db: Knex, jobId: string, limit = 5): Promise<RunRecord[]> {
  const rows = await db('sync_runs').where({ job_id: jobId }).orderBy('id', 'desc').limit(limit);
  return rows.map(toRecord);
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** DataX-style summary: 任务启动时刻 … 读出记录总数 …, on one line per run. */
/** The rejected rows of one run, oldest first, at most `limit`. */
export async function rejectsOfRun(db: Knex, runId: number, limit = 500): Promise<Array<{ row_key: string | null; reason: string; raw: unknown; created_at: number }>> {
  const rows = await db('sync_rejects').where({ run_id: runId }).orderBy('id').limit(limit);
  return rows.map((x) => ({ row_key: x.row_key, reason: x.reason, raw: JSON.parse(x.raw), created_at: Number(x.created_at) }));
}

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
  ].join(' | ') + (r.error ? ` | 原因 ${r.error}` : '');
}
