/**
 * An incremental run: rows after the watermark (update time, key), up to the source's clock
 * minus a small delay (rows stamped "now" may still be committing). The first page starts a
 * look-back window before the watermark, to catch transactions that committed late with an
 * older update time; upserts are idempotent, so re-reading is safe. Each batch commits with
 * its watermark in one transaction, and the watermark never moves backwards.
 */
import type { Cursor } from '../sources';
import type { RunContext } from './context';
import { writeBatch } from './write';
import { compareCursors, getWatermark, likeSource, setWatermark, shiftTimeText } from './watermarks';
import { zeroCounters } from './runs';
import { addCounters } from './full';

export async function runIncremental(rc: RunContext): Promise<void> {
  const { db, job, runId, reader, counters } = rc;
  const stored = await getWatermark(db, job.id);
  if (!stored) throw new Error('没有水位线：请先执行一次全量同步');
  const upper = likeSource(await reader.upperBound(job.delaySeconds), stored.t);
  let mark: Cursor = stored;
  let cursor: Cursor = job.lookbackSeconds > 0 ? { t: shiftTimeText(stored.t, -job.lookbackSeconds), k: null } : stored;
  const time = job.updateTime!;
  let pending = reader.pageAfter(cursor, upper, job.batchSize);
  for (;;) {
    const rows = await pending;
    if (rows.length === 0) break;
    const last = rows[rows.length - 1];
    cursor = { t: String(last[time]), k: job.keys.map((k) => last[k]) };
    // the next page is read while this one is written; the watermark still commits in order
    const more = rows.length === job.batchSize;
    if (more) {
      pending = reader.pageAfter(cursor, upper, job.batchSize);
      pending.catch(() => undefined); // surfaced when awaited
    }
    const next = compareCursors(cursor, mark) > 0 ? cursor : mark;
    const c = zeroCounters();
    await db.transaction(async (trx) => {
      await writeBatch(trx, { job, runId, full: false }, rows, c);
      if (next !== mark) await setWatermark(trx, job.id, next);
    });
    mark = next;
    addCounters(counters, c);
    await rc.checkpoint();
    if (!more) break;
  }
  rc.checkErrorLimit(true);
}
