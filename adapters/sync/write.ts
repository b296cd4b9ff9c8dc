/**
 * Writing one batch into a base library, inside the caller's transaction: map and validate
 * source rows, skip rows whose hash is unchanged, multi-row upsert the rest, and if the batch
 * fails retry it row by row so one bad row is rejected instead of sinking the batch.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { batchRowsFor } from '../../gateway/store/db';
import type { SourceRow } from '../sources';
import type { Job } from './jobs';
import { TARGETS } from './targets';
import { TargetRow, validateRow } from './validate';
import type { RunCounters } from './runs';

interface Prepared {
  pk: string;
  business: TargetRow;
  hash: string;
  deleted: boolean;
  srcTime: string | null;
}

interface Reject {
  pk: string | null;
  reason: string;
  raw: SourceRow;
}

function normalise(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

function isFlagged(job: Job, row: SourceRow): boolean {
  if (!job.deleteFlag) return false;
  const v = row[job.deleteFlag.column];
  return v !== null && v !== undefined && String(v) === String(job.deleteFlag.value);
}

/** Maps source columns to target columns, validates, hashes the business values. */
export function prepare(job: Job, rows: SourceRow[]): { good: Prepared[]; rejects: Reject[] } {
  const lib = TARGETS[job.target];
  const good: Prepared[] = [];
  const rejects: Reject[] = [];
  for (const raw of rows) {
    const business: TargetRow = {};
    for (const col of lib.columns) business[col.name] = null;
    for (const [src, dst] of Object.entries(job.columns)) business[dst] = normalise(raw[src]);
    for (const col of lib.columns) {
      if (col.kind === 'int' && business[col.name] !== null && business[col.name] !== '') business[col.name] = Number(business[col.name]);
    }
    const pk = business[lib.pk] == null ? null : String(business[lib.pk]);
    const reason = validateRow(job.target, business);
    if (reason || pk === null) {
      rejects.push({ pk, reason: reason ?? `${lib.pk}: 不能为空`, raw });
      continue;
    }
    const deleted = isFlagged(job, raw);
    const hash = crypto
      .createHash('sha1')
      .update(JSON.stringify(lib.columns.map((c) => business[c.name])) + (deleted ? '|D' : '|L'))
      .digest('hex');
    good.push({ pk, business, hash, deleted, srcTime: job.updateTime ? normalise(raw[job.updateTime]) : null });
  }
  return { good, rejects };
}

/** A driver error as an operator may read it: the kind of failure, never SQL or data. */
export function writeFailureReason(err: unknown): string {
  const code = (err as { code?: string }).code ?? '';
  if (/DUP_ENTRY|UNIQUE|PRIMARYKEY/i.test(code)) return '写入失败：唯一约束冲突（如公民身份号码重复）';
  if (/NOTNULL|BAD_NULL/i.test(code)) return '写入失败：必填列为空';
  if (/DATA_TOO_LONG|TOOBIG/i.test(code)) return '写入失败：值超出列长度';
  return '写入失败：数据库拒绝该行';
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface BatchOptions {
  job: Job;
  runId: number;
  /** full runs stamp seen_run on every row they saw, for the sweep */
  full: boolean;
}

/** Writes one batch in `trx` and adds what happened to `counters`. */
export async function writeBatch(trx: Knex.Transaction, opts: BatchOptions, rows: SourceRow[], counters: RunCounters): Promise<void> {
  const { job, runId, full } = opts;
  const lib = TARGETS[job.target];
  const now = Date.now();
  const { good, rejects } = prepare(job, rows);
  counters.read += rows.length;

  // what is stored now, to count unchanged rows and skip rewriting them
  const existing = new Map<string, { hash: string | null; deleted: boolean }>();
  const lookup = batchRowsFor(trx, 1, 1000);
  for (const part of chunks([...new Set(good.map((g) => g.pk))], lookup)) {
    const found = await trx(lib.table).select(lib.pk, 'row_hash', 'deleted').whereIn(lib.pk, part);
    for (const f of found) existing.set(String(f[lib.pk]), { hash: f.row_hash, deleted: Boolean(Number(f.deleted)) });
  }

  const seen: string[] = [];
  let changed: Prepared[] = [];
  for (const g of good) {
    const e = existing.get(g.pk);
    if (e && e.hash === g.hash && e.deleted === g.deleted) {
      counters.unchanged++;
      seen.push(g.pk);
    } else {
      changed.push(g);
    }
  }
  changed = await withoutUniqueConflicts(trx, job, changed, rows, rejects);

  const toRow = (g: Prepared) => ({
    ...g.business,
    source_job: job.id,
    src_updated_at: g.srcTime,
    synced_at: now,
    row_hash: g.hash,
    deleted: g.deleted,
    deleted_at: g.deleted ? now : null,
    ...(full ? { seen_run: runId } : {}),
  });
  const merge = [...lib.columns.map((c) => c.name), 'source_job', 'src_updated_at', 'synced_at', 'row_hash', 'deleted', 'deleted_at', ...(full ? ['seen_run'] : [])];
  const wasLive = (g: Prepared) => !existing.get(g.pk)?.deleted;
  const per = batchRowsFor(trx, merge.length, job.batchSize);
  for (const part of chunks(changed, per)) {
    try {
      await trx(lib.table).insert(part.map(toRow)).onConflict(lib.pk).merge(merge);
      counters.written += part.length;
      counters.deleted += part.filter((g) => g.deleted && wasLive(g)).length;
    } catch {
      for (const g of part) {
        try {
          await trx(lib.table).insert(toRow(g)).onConflict(lib.pk).merge(merge);
          counters.written++;
          if (g.deleted && wasLive(g)) counters.deleted++;
        } catch (err) {
          rejects.push({ pk: g.pk, reason: writeFailureReason(err), raw: rawOf(job, rows, g) });
          seen.push(g.pk); // keep the stored version out of the sweep: the row still exists at the source
        }
      }
    }
  }

  if (full) {
    // rejected rows still exist at the source: their stored version must survive the sweep
    for (const r of rejects) if (r.pk !== null) seen.push(r.pk);
    for (const part of chunks(seen, lookup)) await trx(lib.table).whereIn(lib.pk, part).update({ seen_run: runId });
  }

  if (rejects.length) {
    counters.rejected += rejects.length;
    const rejectRows = rejects.map((r) => ({ run_id: runId, job_id: job.id, row_key: r.pk?.slice(0, 256) ?? null, reason: r.reason, raw: JSON.stringify(r.raw), created_at: now }));
    for (const part of chunks(rejectRows, batchRowsFor(trx, 6, 500))) await trx('sync_rejects').insert(part);
  }
}

/**
 * Rows whose unique value (e.g. 公民身份号码) another key already holds, in the store or
 * earlier in this batch, are rejected here, identically on SQLite and MySQL.
 */
async function withoutUniqueConflicts(trx: Knex.Transaction, job: Job, changed: Prepared[], rows: SourceRow[], rejects: Reject[]): Promise<Prepared[]> {
  const lib = TARGETS[job.target];
  let kept = changed;
  for (const col of lib.unique) {
    const holder = new Map<string, string>();
    const values = [...new Set(kept.map((g) => g.business[col]).filter((v) => v != null).map(String))];
    for (const part of chunks(values, batchRowsFor(trx, 1, 1000))) {
      for (const r of await trx(lib.table).select(lib.pk, col).whereIn(col, part)) holder.set(String(r[col]), String(r[lib.pk]));
    }
    const next: Prepared[] = [];
    for (const g of kept) {
      const v = g.business[col] == null ? null : String(g.business[col]);
      const other = v === null ? undefined : holder.get(v);
      if (v !== null && other !== undefined && other !== g.pk) {
        rejects.push({ pk: g.pk, reason: writeFailureReason({ code: 'ER_DUP_ENTRY' }), raw: rawOf(job, rows, g) });
        continue;
      }
      if (v !== null) holder.set(v, g.pk);
      next.push(g);
    }
    kept = next;
  }
  return kept;
}

function rawOf(job: Job, rows: SourceRow[], g: Prepared): SourceRow {
  const keyCol = keyColumnOf(job);
  return rows.find((r) => String(r[keyCol]) === g.pk) ?? g.business;
}

/** The source column mapped to the target's primary key. */
export function keyColumnOf(job: Job): string {
  const pk = TARGETS[job.target].pk;
  return Object.keys(job.columns).find((src) => job.columns[src] === pk)!;
}
