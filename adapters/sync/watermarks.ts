/** The incremental cursor of each job, stored as (update time text, key values JSON). */
import type { Knex } from 'knex';
import type { Cursor } from '../sources';

export async function getWatermark(db: Knex, jobId: string): Promise<Cursor | null> {
  const row = await db('sync_watermarks').where({ job_id: jobId }).first();
  if (!row || row.update_time == null) return null;
  // Stryker disable next-line ConditionalExpression: JSON.parse(null) is null too
  return { t: String(row.update_time), k: row.key_value == null ? null : (JSON.parse(row.key_value) as unknown[]) };
}

/** Called with the transaction that wrote the batch the cursor covers. */
export async function setWatermark(trx: Knex, jobId: string, c: Cursor, upperBound?: string): Promise<void> {
  const row: Record<string, unknown> = { job_id: jobId, update_time: c.t, key_value: c.k ? JSON.stringify(c.k) : null, updated_at: Date.now() };
  if (upperBound !== undefined) row.upper_bound = upperBound;
  await trx('sync_watermarks').insert(row).onConflict('job_id').merge();
}

/**
 * The upper bound (source clock minus delay) of the last run that read everything up to it;
 * null before the first such run.
 */
export async function getUpperBound(db: Knex, jobId: string): Promise<string | null> {
  const row = await db('sync_watermarks').where({ job_id: jobId }).first('upper_bound');
  return row?.upper_bound == null ? null : String(row.upper_bound);
}

export async function setUpperBound(db: Knex, jobId: string, upperBound: string): Promise<void> {
  await db('sync_watermarks').where({ job_id: jobId }).update({ upper_bound: upperBound });
}

/** Source rows stamped further ahead of the source clock than this are reported as 未来时间. */
export const FUTURE_TOLERANCE_SECONDS = 300;

/**
 * Where an incremental run starts reading. A late commit carries an update time at most
 * `lookback` seconds before it becomes visible, so a row stamped t is settled once the source
 * clock passed t + lookback: the previous completed run, reading up to U, saw every row
 * stamped up to U − lookback. So the run starts at the earlier of the watermark and
 * U − lookback, and never further back than watermark − lookback.
 */
export function incrementalStart(mark: Cursor, lookbackSeconds: number, lastUpper: string | null): Cursor {
  if (lookbackSeconds <= 0) return mark;
  const back = shiftTimeText(mark.t, -lookbackSeconds);
  const settled = lastUpper === null ? back : shiftTimeText(lastUpper, -lookbackSeconds);
  if (settled >= mark.t) return mark;
  // Stryker disable next-line EqualityOperator: equal, either is the same text
  return { t: settled > back ? settled : back, k: null };
}

/** Orders cursors of one source: time text first (one source prints one format), then keys. */
export function compareCursors(a: Cursor, b: Cursor): number {
  // Stryker disable next-line EqualityOperator: unequal here, so < and <= agree
  if (a.t !== b.t) return a.t < b.t ? -1 : 1;
  if (!a.k || !b.k) return a.k === b.k ? 0 : a.k ? 1 : -1;
  // Stryker disable next-line EqualityOperator,MethodExpression: the cursors of one job have keys of one length
  for (let i = 0; i < Math.min(a.k.length, b.k.length); i++) {
    const [p, q] = [a.k[i], b.k[i]];
    // numeric keys order as numbers, as the database orders them; text keys as text
    if (typeof p === 'number' && typeof q === 'number') {
      // Stryker disable next-line EqualityOperator: unequal here, so < and <= agree
      if (p !== q) return p < q ? -1 : 1;
      continue;
    }
    const x = String(p);
    const y = String(q);
    // Stryker disable next-line EqualityOperator: unequal here, so < and <= agree
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

const TIME_TEXT = /^(\d{4})-(\d{2})-(\d{2})([ T])(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z?)$/;

/**
 * Moves a source time text by whole seconds, keeping its separator, fraction digits and a
 * trailing Z as they are, so the result compares with the source's values exactly as they
 * compare with each other.
 */
export function shiftTimeText(t: string, seconds: number): string {
  const m = TIME_TEXT.exec(t);
  if (!m) throw new Error(`无法识别的更新时间格式: ${t.slice(0, 32)}`);
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[5], +m[6], +m[7]) + seconds * 1000;
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)}${m[4]}${iso.slice(11, 19)}${m[8] ?? ''}${m[9]}`;
}

/**
 * Writes a clock reading ('YYYY-MM-DD HH:MM:SS.fff…') the way the source writes its times, as
 * told by a sample: text sources (SQLite, CSV) compare as text, where 'T' sorts after ' '.
 */
export function likeSource(clock: string, sample: string): string {
  const m = TIME_TEXT.exec(sample);
  if (!m) return clock;
  return clock.slice(0, 10) + m[4] + clock.slice(11) + m[9];
}
