/**
 * Writing one batch into a base library, inside the caller's transaction: map and validate
 * source rows, skip rows whose hash is unchanged, multi-row upsert the rest, and if the batch
 * fails retry it row by row so one bad row is rejected instead of sinking the batch.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { batchRowsFor } from '../../core/dialect';
import { dbErrorKind, isConnectionLost, isRetryable } from '../../core/db-errors';
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

interface Stored {
  hash: string | null;
  deleted: boolean;
  /** values of the library's unique columns, in TARGETS order */
  unique: (string | null)[];
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
  const kind = dbErrorKind(err);
  if (kind === 'unique') return '写入失败：唯一约束冲突（如公民身份号码重复）';
  if (kind === 'not-null') return '写入失败：必填列为空';
  if (kind === 'too-long') return '写入失败：值超出列长度';
  return '写入失败：数据库拒绝该行';
}

/**
 * Errors after which MySQL has rolled the whole transaction back: going on row by row would
 * write outside it, so the batch fails (and is retried) as a whole.
 */
export function abortsTransaction(err: unknown): boolean {
  return isRetryable(err) || isConnectionLost(err);
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
  /** the library was empty when the run began: skip looking keys up (a key written
   * meanwhile by someone else fails its plain insert and is retried row by row) */
  targetWasEmpty?: boolean;
}

/** Writes one batch in `trx` and adds what happened to `counters`. */
export async function writeBatch(trx: Knex.Transaction, opts: BatchOptions, rows: SourceRow[], counters: RunCounters): Promise<void> {
  const { job, runId, full } = opts;
  const lib = TARGETS[job.target];
  const now = Date.now();
  const prepared = prepare(job, rows);
  const rejects = prepared.rejects;
  // a key repeated within one batch (possible in a CSV file): the last version wins
  const byKey = new Map<string, Prepared>();
  for (const g of prepared.good) byKey.set(g.pk, g);
  const good = byKey.size === prepared.good.length ? prepared.good : [...byKey.values()];
  counters.read += rows.length;

  // what is stored now, to count unchanged rows and skip rewriting them
  const existing = new Map<string, Stored>();
  const lookup = batchRowsFor(trx, 1, 1000);
  for (const part of opts.targetWasEmpty ? [] : chunks([...new Set(good.map((g) => g.pk))], lookup)) {
    const found = await trx(lib.table).select(lib.pk, 'row_hash', 'deleted', ...lib.unique).whereIn(lib.pk, part);
    for (const f of found) {
      existing.set(String(f[lib.pk]), { hash: f.row_hash, deleted: Boolean(Number(f.deleted)), unique: lib.unique.map((c) => (f[c] == null ? null : String(f[c]))) });
    }
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
  changed = await withoutUniqueConflicts(trx, job, changed, existing, rows, rejects);

  // the business object is ours (built by prepare): add the bookkeeping in place, no copies
  const toRow = (g: Prepared) => {
    const row: Record<string, unknown> = g.business;
    row.source_job = job.id;
    row.src_updated_at = g.srcTime;
    row.synced_at = now;
    row.row_hash = g.hash;
    row.deleted = g.deleted;
    row.deleted_at = g.deleted ? now : null;
    if (full) row.seen_run = runId;
    return row;
  };
  const merge = [...lib.columns.map((c) => c.name), 'source_job', 'src_updated_at', 'synced_at', 'row_hash', 'deleted', 'deleted_at', ...(full ? ['seen_run'] : [])];
  const wasLive = (g: Prepared) => existing.get(g.pk)?.deleted === false;
  const per = batchRowsFor(trx, merge.length, job.batchSize);
  // new keys are plainly inserted: a unique clash then fails instead of MySQL's ON DUPLICATE
  // KEY merging the row into whichever row holds the value; only known keys are upserted
  const write = (part: Prepared[], fresh: boolean) =>
    fresh ? trx(lib.table).insert(part.map(toRow)) : trx(lib.table).insert(part.map(toRow)).onConflict(lib.pk).merge(merge);
  for (const fresh of [true, false]) {
    for (const part of chunks(changed.filter((g) => existing.has(g.pk) !== fresh), per)) {
      try {
        await write(part, fresh);
        counters.written += part.length;
        counters.deleted += part.filter((g) => g.deleted && wasLive(g)).length;
      } catch (err) {
        if (abortsTransaction(err)) throw err;
        for (const g of part) {
          try {
            // a key someone else wrote since the lookup is upserted (its own key clashes first)
            const isNew = fresh && !(await trx(lib.table).where(lib.pk, g.pk).first(lib.pk));
            await write([g], isNew);
            counters.written++;
            if (g.deleted && wasLive(g)) counters.deleted++;
          } catch (rowErr) {
            if (abortsTransaction(rowErr)) throw rowErr;
            rejects.push({ pk: g.pk, reason: writeFailureReason(rowErr), raw: rawOf(job, rows, g) });
            seen.push(g.pk); // keep the stored version out of the sweep: the row still exists at the source
          }
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
 * Stored rows taking a unique value (e.g. 公民身份号码) another key already holds, in the store
 * or earlier in this batch, are rejected here: on MySQL their upsert would otherwise merge into
 * the row holding the value. New rows pass through; their plain insert fails on a clash.
 */
async function withoutUniqueConflicts(
  trx: Knex.Transaction,
  job: Job,
  changed: Prepared[],
  existing: Map<string, Stored>,
  rows: SourceRow[],
  rejects: Reject[],
): Promise<Prepared[]> {
  const lib = TARGETS[job.target];
  // new keys are plainly inserted, so a clash of theirs fails by itself; only stored rows
  // taking a new value go through the upsert and need looking at first
  let kept = changed.filter((g) => existing.has(g.pk));
  const fresh = changed.filter((g) => !existing.has(g.pk));
  for (const [i, col] of lib.unique.entries()) {
    const valueOf = (g: Prepared) => (g.business[col] == null ? null : String(g.business[col]));
    // a stored row keeping its own value cannot clash: only changed values are looked up
    const moving = (g: Prepared) => valueOf(g) !== null && existing.get(g.pk)?.unique[i] !== valueOf(g);
    const holder = new Map<string, string>();
    const values = [...new Set(kept.filter(moving).map((g) => valueOf(g)!))];
    for (const part of chunks(values, batchRowsFor(trx, 1, 1000))) {
      for (const r of await trx(lib.table).select(lib.pk, col).whereIn(col, part)) holder.set(String(r[col]), String(r[lib.pk]));
    }
    const next: Prepared[] = [];
    for (const g of kept) {
      const v = valueOf(g);
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
  return [...fresh, ...kept];
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
