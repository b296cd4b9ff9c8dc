/**
 * Writing one batch into a library (base or resource), inside the caller's transaction: map and validate
 * source rows, settle the unique values the batch moves (see settleUniqueValues), skip rows
 * whose hash is unchanged, multi-row upsert the rest, and if the batch fails retry it row by
 * row so one bad row is rejected instead of sinking the batch.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { batchRowsFor, insertNewRows, multiRowInsert } from '../../core/dialect';
import { dbErrorKind, isConnectionLost, isRetryable } from '../../core/db-errors';
import type { SourceReader, SourceRow } from '../sources';
import type { Job } from './jobs';
import { booleanOf, TargetRow, validateRow } from './validate';
import type { RunCounters } from './runs';
import { isVerificationSource, ownsRecords } from '../verification/ownership';
import { recheckAfterWrite, recordSourceValues } from '../verification/hook';
import type { LibraryRecord } from '../verification/rules';

interface Prepared {
  pk: string;
  business: TargetRow;
  hash: string;
  deleted: boolean;
  srcTime: string | null;
  raw: SourceRow;
}

interface Stored {
  hash: string | null;
  deleted: boolean;
  /** values of the library's unique columns, in the library's order */
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

/** The library columns a job maps, in library order: all it may write (一数一源), all its hash covers. */
function jobColumns(job: Job) {
  const mapped = new Set(Object.values(job.columns));
  return job.library.columns.filter((c) => mapped.has(c.name));
}

/** One-shot hashing: a Hash object per row cost a full sync three times as much CPU, for the same digest. */
function rowHash(values: unknown[], deleted: boolean): string {
  // Stryker disable next-line StringLiteral: any two different endings tell a deleted row's hash from a live one's
  return crypto.hash('sha1', JSON.stringify(values) + (deleted ? '|D' : '|L'), 'hex');
}

/** Maps source columns to target columns, validates, hashes the business values. */
export function prepare(job: Job, rows: SourceRow[]): { good: Prepared[]; rejects: Reject[] } {
  const lib = job.library;
  const mine = jobColumns(job);
  // a job filling items of records it does not own deletes no record: a flag clears its items
  const fillsItems = !ownsRecords(job, job.library) && !isVerificationSource(job);
  const mapping = Object.entries(job.columns);
  const good: Prepared[] = [];
  const rejects: Reject[] = [];
  for (const raw of rows) {
    // only the mapped columns: a column the job does not map is never written, not even as null
    const business: TargetRow = {};
    for (const [src, dst] of mapping) business[dst] = normalise(raw[src]);
    for (const col of mine) {
      const v = business[col.name];
      // an empty text in a number or 是否 column is no value: null on both databases (MariaDB would refuse '')
      if (v === '' && (col.kind === 'int' || col.kind === 'bool' || typeof col.kind === 'object')) business[col.name] = null;
      else if (col.kind === 'int' && v !== null) business[col.name] = Number(v);
    }
    const pk = business[lib.pk] == null ? null : String(business[lib.pk]);
    const reason = validateRow(lib, business);
    if (reason || pk === null) {
      // Stryker disable next-line StringLiteral: the key column is always required, so validateRow has named it already
      rejects.push({ pk, reason: reason ?? `${lib.pk}: 不能为空`, raw });
      continue;
    }
    for (const col of mine) {
      const v = business[col.name];
      if (col.kind === 'bool' && v !== null) business[col.name] = booleanOf(v) ? 1 : 0; // as both databases store it
    }
    const flagged = isFlagged(job, raw);
    if (flagged && fillsItems) for (const c of mine) if (c.name !== lib.pk) business[c.name] = null;
    const deleted = flagged && !fillsItems;
    const hash = rowHash(mine.map((c) => business[c.name]), deleted);
    good.push({ pk, business, hash, deleted, srcTime: job.updateTime ? normalise(raw[job.updateTime]) : null, raw });
  }
  return { good, rejects };
}

/** A driver error as an operator may read it: the kind of failure, never SQL or data. */
export function writeFailureReason(err: unknown): string {
  const kind = dbErrorKind(err);
  if (kind === 'unique') return UNIQUE_CLASH;
  if (kind === 'not-null') return '写入失败：必填列为空';
  if (kind === 'too-long') return '写入失败：值超出列长度';
  return '写入失败：数据库拒绝该行';
}

const UNIQUE_CLASH = '写入失败：唯一约束冲突（如公民身份号码重复）';

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
  /** the run's source, asked what became of a stored row holding a value the batch claims */
  reader?: SourceReader;
  /** a full run: the incremental watermark's time when it began; rows it changes that are
   * stamped earlier were missed by the incremental runs (漂移) */
  driftBefore?: string | null;
  /** told how long the batch's read of its stored rows took */
  storedRead?: (keys: number, ms: number) => void;
}

/** Adds valid rows to the batch (a key repeated, as in a CSV file, keeps its last version). */
function admit(job: Job, rows: SourceRow[], batch: Map<string, Prepared>, rejects: Reject[]): void {
  const { good, rejects: bad } = prepare(job, rows);
  for (const g of good) {
    batch.delete(g.pk); // re-inserted: the last version also takes the last place in order
    batch.set(g.pk, g);
  }
  rejects.push(...bad);
}

/** Statements side by side that warm a page's stored rows (see warmStoredRows). */
export const WARM_READS = 4;

/**
 * Whether a page's stored rows are worth warming, by how long the last batch's read of its own
 * took: pages read from disk took ~180 µs a key here, pages in the buffer pool 6–20 µs, and
 * warming them there cost a warm run ~12 % (BENCHMARKS.md, Round 12). Before any read: no.
 */
export function worthWarming(lastRead: { keys: number; ms: number } | null): boolean {
  return lastRead !== null && lastRead.ms >= lastRead.keys * COLD_READ_MS_PER_KEY;
}

/** Between a key read from the buffer pool and one read from disk. */
const COLD_READ_MS_PER_KEY = 0.05;

/**
 * Brings the library pages of the records these source rows name into MySQL's buffer pool:
 * WARM_READS statements at once on pooled connections, outside any transaction. An incremental
 * run's records lie scattered over the library, and where the buffer pool does not hold it the
 * batch's own read — one statement — fetched their pages one after another: four fifths of a
 * batch's time (BENCHMARKS.md, Round 12). Started as the page arrives, beside the write of the
 * page before, these reads decide nothing: the batch reads its rows again in its transaction.
 * (A 校核源's batches read no stored rows, so nothing ever shows them worth warming.)
 */
export async function warmStoredRows(pool: Knex, job: Job, rows: SourceRow[]): Promise<void> {
  const keyCol = keyColumnOf(job);
  const keys = rows.map((r) => normalise(r[keyCol])); // a row without a key warms nothing (in (null) matches no row)
  const lib = job.library;
  await Promise.all(chunks(keys, Math.ceil(keys.length / WARM_READS)).map((part) => pool(lib.table).select(lib.pk).whereIn(lib.pk, part)));
}

async function loadStored(trx: Knex.Transaction, job: Job, keys: string[], existing: Map<string, Stored>): Promise<void> {
  const lib = job.library;
  const createsRecords = ownsRecords(job, job.library);
  const mine = jobColumns(job).map((c) => c.name);
  for (const part of chunks(keys, batchRowsFor(trx, 1, 1000))) {
    const found = await trx(lib.table).select(lib.pk, 'row_hash', 'deleted', ...lib.unique, ...(createsRecords ? [] : mine)).whereIn(lib.pk, part);
    for (const f of found) {
      existing.set(String(f[lib.pk]), {
        // row_hash is the record owner's; a job filling other items compares its own columns
        hash: createsRecords ? f.row_hash : rowHash(mine.map((c) => f[c] ?? null), false),
        deleted: createsRecords ? Boolean(Number(f.deleted)) : false,
        // Stryker disable next-line ConditionalExpression: a stored null read as the text 'null' matches no claim (claims are validated values) and holds nothing
        unique: lib.unique.map((c) => (f[c] == null ? null : String(f[c]))),
      });
    }
  }
}

/** The value a row claims in unique column `col` once written: deleted rows claim none. */
function claimOf(g: Prepared, col: string): string | null {
  return g.deleted || g.business[col] == null ? null : String(g.business[col]);
}

/** Writes one batch in `trx` and adds what happened to `counters`. */
export async function writeBatch(trx: Knex.Transaction, opts: BatchOptions, rows: SourceRow[], counters: RunCounters): Promise<void> {
  const { job, runId, full } = opts;
  const lib = job.library;
  const now = Date.now();
  counters.read += rows.length;
  const rejects: Reject[] = [];
  const batch = new Map<string, Prepared>();
  admit(job, rows, batch, rejects);
  if (isVerificationSource(job)) {
    // a 校核源 writes nothing into the library: its values are kept beside it and compared
    await recordSourceValues(trx, job, [...batch.values()], now);
    counters.written += batch.size;
    await recordRejects(trx, opts, rejects, counters, now);
    return;
  }
  const createsRecords = ownsRecords(job, job.library);

  // what is stored now, to count unchanged rows and skip rewriting them
  const existing = new Map<string, Stored>();
  // Stryker disable next-line ConditionalExpression: looking keys up in a library that was empty only costs the lookup (a key written meanwhile is then upserted, as the row-by-row retry would)
  if (!opts.targetWasEmpty) {
    const started = performance.now();
    await loadStored(trx, job, [...batch.keys()], existing);
    opts.storedRead?.(batch.size, performance.now() - started);
  }
  const gone = await settleUniqueValues(trx, opts, batch, existing, rejects, counters);

  // Stryker disable next-line ArrayDeclaration: an extra key in seen marks no row (no row has it)
  const seen: string[] = [];
  const changed: Prepared[] = [];
  for (const g of batch.values()) {
    const e = existing.get(g.pk);
    if (e && e.hash === g.hash && e.deleted === g.deleted) {
      counters.unchanged++;
      seen.push(g.pk);
    } else {
      changed.push(g);
    }
  }
  const rechecked = changed.map((g) => g.pk); // an unchanged record's differences are already current
  if (!createsRecords) {
    await fillItems(trx, job, changed, existing, rejects, counters, now);
    changed.length = 0; // written in place above
  }

  // stored rows gone from the source that held a value the batch claims: deleted now, as the
  // next full run's sweep would (each was found live by the holder query, in this transaction)
  const wasLive = (pk: string) => existing.get(pk)?.deleted === false;
  for (const part of chunks([...gone], batchRowsFor(trx, 1, 1000))) {
    counters.deleted += Number(await trx(lib.table).whereIn(lib.pk, part).update({ deleted: true, deleted_at: now, synced_at: now }));
  }
  // a value moving between rows of the batch (a swap, a re-registration): its stored holder
  // lets go first, so no single-row write meets it — on MySQL an upsert meeting another row's
  // unique value would merge into that row. The writes below set each row's final state.
  const claimed = new Map<string, string>();
  // Stryker disable next-line ConditionalExpression: a claim of no value is kept under the text 'null', which no stored value is (checked below before any lookup)
  for (const g of batch.values()) for (const col of lib.unique) if (claimOf(g, col) !== null) claimed.set(`${col}\u0000${claimOf(g, col)}`, g.pk);
  const movers = changed.filter((g) => {
    const e = existing.get(g.pk);
    return e && !e.deleted && lib.unique.some((col, i) => {
      // Stryker disable next-line ConditionalExpression: nothing is claimed under the text 'null' (see claimed), so the lookup finds no holder either
      const holder = e.unique[i] === null ? undefined : claimed.get(`${col}\u0000${e.unique[i]}`);
      // Stryker disable next-line ConditionalExpression,LogicalOperator: a row taken for a mover needlessly is only released first; it is written with its final state below, or restored if its write fails
      return holder !== undefined && holder !== g.pk;
    });
  });
  for (const part of chunks(movers.map((g) => g.pk), batchRowsFor(trx, 1, 1000))) await trx(lib.table).whereIn(lib.pk, part).update({ deleted: true });
  const moving = new Set(movers.map((g) => g.pk));

  const written = (g: Prepared) => {
    counters.written++;
    if (g.deleted && wasLive(g.pk)) counters.deleted++;
    // Stryker disable next-line ConditionalExpression: a null on either side of < compares false anyway
    if (opts.driftBefore && g.srcTime !== null && g.srcTime < opts.driftBefore) counters.drift++;
  };
  /** a record written whole, as the library now holds it, for the 校核 after the write */
  const asWritten = (g: Prepared): LibraryRecord => (g.deleted ? { ...g.business, deleted: true } : g.business);
  // the columns every row is written with, and on a known key updated (the job's own and the bookkeeping)
  const mine = jobColumns(job);
  const merge = [...mine.map((c) => c.name), 'source_job', 'src_updated_at', 'synced_at', 'row_hash', 'deleted', 'deleted_at', ...(full ? ['seen_run'] : [])];
  // a row's values in `merge` order. Read from the business object, never added to it: an object
  // given seven more properties by computed names turns into a dictionary, which cost a first
  // load of 1 M people ~1 CPU µs a row (BENCHMARKS.md, Round 12)
  const valuesOf = (g: Prepared, values: unknown[]) => {
    for (const c of mine) values.push(g.business[c.name]);
    values.push(job.id, g.srcTime, now, g.hash, g.deleted, g.deleted ? now : null);
    // Stryker disable next-line ConditionalExpression: seen_run is read only by a full run's sweep, which compares it with its own run id: an incremental run's id there is as unseen as none
    if (full) values.push(runId);
  };
  const per = batchRowsFor(trx, merge.length, job.batchSize);
  // new keys are plainly inserted: a unique clash then fails instead of MySQL's ON DUPLICATE
  // KEY merging the row into whichever row holds the value; only known keys are upserted.
  // Resolves false when the rows must go in one by one (see insertNewRows).
  const write = async (part: Prepared[], fresh: boolean): Promise<boolean> => {
    const values: unknown[] = [];
    for (const g of part) valuesOf(g, values);
    // a single row is written plainly, so that its failure is an error naming the cause
    if (fresh && part.length > 1) return insertNewRows(trx, lib.table, merge, values);
    await multiRowInsert(trx, lib.table, merge, values, fresh ? undefined : { key: lib.pk, merge });
    return true;
  };
  // records written whole here — inserted, or upserted by a job mapping every item of the
  // library: the 校核 after the write compares them as written, without reading them back
  const writtenWhole = new Map<string, LibraryRecord>();
  const mapsEveryItem = mine.length === lib.columns.length;
  for (const fresh of [true, false]) {
    for (const part of chunks(changed.filter((g) => existing.has(g.pk) !== fresh), per)) {
      let whole = false;
      try {
        whole = await write(part, fresh);
      } catch (err) {
        if (abortsTransaction(err)) throw err;
      }
      if (whole) {
        part.forEach(written);
        if (fresh || mapsEveryItem) for (const g of part) writtenWhole.set(g.pk, asWritten(g));
        continue;
      }
      for (const g of part) {
        try {
          // a key someone else wrote since the lookup is upserted (its own key clashes first)
          const isNew = fresh && !(await trx(lib.table).where(lib.pk, g.pk).first(lib.pk));
          await write([g], isNew);
          written(g);
          if (isNew || mapsEveryItem) writtenWhole.set(g.pk, asWritten(g));
        } catch (rowErr) {
          if (abortsTransaction(rowErr)) throw rowErr;
          rejects.push({ pk: g.pk, reason: writeFailureReason(rowErr), raw: g.raw });
          seen.push(g.pk); // keep the stored version out of the sweep: the row still exists at the source
          // a released holder keeps its stored version (unless its value was taken meanwhile)
          if (moving.has(g.pk)) await trx(lib.table).where(lib.pk, g.pk).update({ deleted: false }).catch(() => undefined);
        }
      }
    }
  }

  if (full && createsRecords) {
    // rejected rows still exist at the source: their stored version must survive the sweep
    for (const r of rejects) if (r.pk !== null) seen.push(r.pk);
    for (const part of chunks(seen, batchRowsFor(trx, 1, 1000))) await trx(lib.table).whereIn(lib.pk, part).update({ seen_run: runId });
  }
  await recheckAfterWrite(trx, job, rechecked, writtenWhole);
  await recordRejects(trx, opts, rejects, counters, now);
}

/**
 * A job that owns some items of records another job creates (一数一源, e.g. 卫健 出生地 in
 * population) updates just those columns of records that exist; it never creates a record.
 */
async function fillItems(
  trx: Knex.Transaction,
  job: Job,
  changed: Prepared[],
  existing: Map<string, Stored>,
  rejects: Reject[],
  counters: RunCounters,
  now: number,
): Promise<void> {
  const lib = job.library;
  for (const g of changed) {
    if (!existing.has(g.pk)) {
      rejects.push({ pk: g.pk, reason: `${lib.pk}: 库中尚无该记录（记录由映射必填项的任务建立，本任务只补充其信息项）`, raw: g.raw });
      continue;
    }
    await trx(lib.table).where(lib.pk, g.pk).update({ ...g.business, synced_at: now });
    counters.written++;
  }
}

/**
 * A row rejected again with the same content and reason (re-read inside a look-back window, or
 * by the next full run) was recorded and counted already: only new rejects are stored and
 * counted, so the error limit applies to them.
 */
async function recordRejects(trx: Knex.Transaction, opts: BatchOptions, rejects: Reject[], counters: RunCounters, now: number): Promise<void> {
  // Stryker disable next-line ConditionalExpression: without rejects the loops below do nothing anyway
  if (!rejects.length) return;
  const { job, runId } = opts;
  const rowKey = (r: Reject) => r.pk?.slice(0, 256) ?? null;
  const entry = (key: string | null, reason: string, raw: string) => `${key}\u0000${reason}\u0000${raw}`;
  // Stryker disable next-line MethodExpression,ConditionalExpression: a null key in the lookup of known rejects matches no row (in SQL null equals nothing)
  const keys = [...new Set(rejects.map(rowKey).filter((k): k is string => k !== null))];
  const known = new Set<string>();
  for (const part of chunks(keys, batchRowsFor(trx, 1, 500))) {
    // Stryker disable next-line StringLiteral: knex reads select('') as select *, the same columns and more
    for (const r of await trx('sync_rejects').select('row_key', 'reason', 'raw').where({ job_id: job.id }).whereIn('row_key', part)) known.add(entry(r.row_key, r.reason, r.raw));
  }
  const fresh: Record<string, unknown>[] = [];
  for (const r of rejects) {
    const raw = JSON.stringify(r.raw);
    const e = entry(rowKey(r), r.reason, raw);
    if (known.has(e)) continue;
    known.add(e);
    fresh.push({ run_id: runId, job_id: job.id, row_key: rowKey(r), reason: r.reason, raw, created_at: now });
  }
  counters.rejected += fresh.length;
  for (const part of chunks(fresh, batchRowsFor(trx, 6, 500))) await trx('sync_rejects').insert(part);
}

/** Rounds of asking the source about holders before a still-unsettled claim is rejected. */
const SETTLE_ROUNDS = 4;

/**
 * Unique values (公民身份号码) follow the source as a set: a value may move between rows of one
 * batch (a swap of two numbers, a re-registration after a delete flag). A value held in the
 * store by a live row outside the batch is settled by asking the source about that row: gone
 * from the source (its key changed) → it is deleted; changed → its current version joins the
 * batch; unchanged → two live source rows claim one value, and only then is a row rejected
 * (the one not already holding it). Returns the stored rows to delete.
 */
async function settleUniqueValues(
  trx: Knex.Transaction,
  opts: BatchOptions,
  batch: Map<string, Prepared>,
  existing: Map<string, Stored>,
  rejects: Reject[],
  counters: RunCounters,
): Promise<Set<string>> {
  const { job } = opts;
  const lib = job.library;
  const gone = new Set<string>();
  const asked = new Set<string>();
  const reject = (g: Prepared) => {
    batch.delete(g.pk);
    rejects.push({ pk: g.pk, reason: UNIQUE_CLASH, raw: g.raw });
  };
  // Stryker disable next-line EqualityOperator: without unique columns the round finds nothing waiting and ends at once
  for (let round = 0; lib.unique.length > 0; round++) {
    /** holder outside the batch → the batch rows claiming its value */
    const waiting = new Map<string, Prepared[]>();
    for (const [i, col] of lib.unique.entries()) {
      const holds = (g: Prepared, v: string) => existing.get(g.pk)?.deleted === false && existing.get(g.pk)?.unique[i] === v;
      const claims = new Map<string, Prepared[]>();
      for (const g of batch.values()) {
        const v = claimOf(g, col);
        if (v !== null) claims.set(v, [...(claims.get(v) ?? []), g]);
      }
      // two rows of the batch claim one value: the row already holding it keeps it, else the first
      for (const [v, gs] of claims) {
        if (gs.length < 2) continue;
        const keep = gs.find((g) => holds(g, v)) ?? gs[0];
        for (const g of gs) if (g !== keep) reject(g);
        claims.set(v, [keep]);
      }
      if (opts.targetWasEmpty) continue;
      const sought = [...claims].filter(([v, [g]]) => !holds(g, v)).map(([v]) => v);
      for (const part of chunks(sought, batchRowsFor(trx, 1, 1000))) {
        const holders = await trx(lib.table).select(lib.pk, col, 'source_job').whereIn(col, part).andWhere({ deleted: false });
        for (const h of holders) {
          const hk = String(h[lib.pk]);
          const [g] = claims.get(String(h[col])) ?? [];
          if (!g || !batch.has(g.pk) || hk === g.pk || batch.has(hk) || gone.has(hk)) continue;
          if (String(h.source_job) !== job.id || asked.has(hk) || !opts.reader || round >= SETTLE_ROUNDS) {
            reject(g);
            continue;
          }
          waiting.set(hk, [...(waiting.get(hk) ?? []), g]);
        }
      }
    }
    if (waiting.size === 0) break;
    const found = await opts.reader!.rowsByKeys(keyColumnOf(job), [...waiting.keys()]);
    if (found === null) {
      for (const gs of waiting.values()) gs.forEach(reject);
      break;
    }
    counters.read += found.length;
    const keyCol = keyColumnOf(job);
    const present = new Set(found.map((r) => String(r[keyCol])));
    admit(job, found, batch, rejects);
    // Stryker disable next-line MethodExpression: a key read again in the same transaction is stored as it was read before
    await loadStored(trx, job, [...present].filter((k) => !existing.has(k)), existing);
    for (const hk of waiting.keys()) {
      asked.add(hk);
      if (!present.has(hk)) gone.add(hk);
    }
  }
  return gone;
}

/** The source column mapped to the target's primary key. */
export function keyColumnOf(job: Job): string {
  const pk = job.library.pk;
  return Object.keys(job.columns).find((src) => job.columns[src] === pk)!;
}
