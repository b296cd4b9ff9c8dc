/**
 * An incremental run: rows after the watermark (update time, key), up to the source's clock
 * minus a small delay (rows stamped "now" may still be committing, rows stamped later are
 * left for a later run). The first page starts up to a look-back window before the watermark,
 * to catch transactions that committed late with an older update time, but not before what
 * the previous run already saw settled (incrementalStart); upserts are idempotent, so
 * re-reading is safe. Each batch commits with its watermark in one transaction, and the
 * watermark never moves backwards; a batch's rejects do not hold it back.
 */
import type { Cursor, SourceRow } from '../sources';
import type { RunContext } from './context';
import { allowsConcurrentTransactions } from '../../core/dialect';
import { warmStoredRows, worthWarming, writeBatch } from './write';
import { compareCursors, FUTURE_TOLERANCE_SECONDS, getUpperBound, getWatermark, incrementalStart, likeSource, setUpperBound, setWatermark, shiftTimeText } from './watermarks';
import { addCounters, zeroCounters } from './runs';

/** Reads and writes what changed; 'needs-full' (before touching anything) when the watermark lies ahead of the source clock. */
export async function runIncremental(rc: RunContext): Promise<'done' | 'needs-full'> {
  const { db, job, runId, reader, counters } = rc;
  const stored = await getWatermark(db, job.id);
  if (!stored) throw new Error('没有水位线：请先执行一次全量同步');
  const upper = likeSource(await reader.upperBound(job.delaySeconds), stored.t);
  if (stored.t > shiftTimeText(upper, job.delaySeconds + FUTURE_TOLERANCE_SECONDS)) return 'needs-full';
  counters.future = await reader.countAfter(shiftTimeText(upper, job.delaySeconds + FUTURE_TOLERANCE_SECONDS));
  let cursor: Cursor = incrementalStart(stored, job.lookbackSeconds, await getUpperBound(db, job.id));
  const time = job.updateTime!;
  // on MySQL a page's stored rows are warmed as soon as it arrives, beside the write of the page
  // before (warmStoredRows), once a batch's own read has shown the library is not in the buffer
  // pool (worthWarming, decided as the page is asked for: by the batch before the one being
  // written); a failed warming only leaves the pages to the batch's own read
  const warming: Promise<void>[] = [];
  let lastRead: { keys: number; ms: number } | null = null;
  const storedRead = (keys: number, ms: number) => (lastRead = { keys, ms });
  const read = (from: Cursor): Promise<SourceRow[]> => {
    const page = reader.pageAfter(from, upper, job.batchSize);
    if (allowsConcurrentTransactions(db) && worthWarming(lastRead)) {
      page.then((rows) => {
        warming.push(warmStoredRows(db, job, rows).catch(() => undefined));
        // Stryker disable next-line ArrowFunction: the page's failure is the loop's to report, when it awaits the page
      }, () => undefined);
    }
    return page;
  };
  try {
    let pending = read(cursor);
    for (;;) {
      const rows = await pending;
      if (rows.length === 0) break;
      const last = rows[rows.length - 1];
      cursor = { t: String(last[time]), k: job.keys.map((k) => last[k]) };
      // the next page is read while this one is written (a short page is the last); the
      // watermark still commits in order
      // Stryker disable next-line ConditionalExpression: reading after a short page reads one empty page, nothing else
      if (rows.length === job.batchSize) {
        pending = read(cursor);
        pending.catch(() => undefined); // surfaced when awaited
      }
      // the watermark never moves back: a page re-read inside the look-back may end before it
      // (pages come in cursor order, so a page past the stored watermark is past every earlier page)
      // Stryker disable next-line EqualityOperator: at an equal cursor, writing it again changes nothing
      const advances = compareCursors(cursor, stored) > 0;
      const c = zeroCounters();
      await db.transaction(async (trx) => {
        await rc.step('write');
        // Stryker disable next-line BooleanLiteral: seen_run matters only to a full run's sweep, which compares it with its own run
        await writeBatch(trx, { job, runId, full: false, reader, storedRead }, rows, c);
        await rc.step('written');
        if (advances) await setWatermark(trx, job.id, cursor);
        await rc.step('watermarked');
      });
      addCounters(counters, c);
      await rc.step('committed');
      await rc.checkpoint();
      if (rows.length < job.batchSize) break;
    }
  } finally {
    await Promise.all(warming);
  }
  // everything up to `upper` has been read: the next run need not look back before upper − look-back
  await setUpperBound(db, job.id, upper);
  rc.checkErrorLimit(true);
  return 'done';
}
