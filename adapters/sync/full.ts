/**
 * A full run: the whole source in key order, batch by batch, each batch in its own
 * transaction. Only when every batch is in (and the error limit holds) does one transaction
 * soft-delete the rows this run did not see and set the incremental watermark to the source
 * maximum taken before reading — bounded by the source clock minus the delay, so a row stamped
 * in the future cannot blind the incremental runs. A failed or killed full run deletes nothing
 * and moves no watermark.
 */
import type { RunContext } from './context';
import type { SourceRow } from '../sources';
import { allowsConcurrentTransactions } from '../../core/dialect';
import { isRetryable } from '../../core/db-errors';
import { writeBatch } from './write';
import { isCsvSource } from './jobs';
import { FUTURE_TOLERANCE_SECONDS, getWatermark, likeSource, setWatermark, shiftTimeText } from './watermarks';
import { addCounters, zeroCounters, RunCounters } from './runs';
import { afterSweep } from '../verification/hook';

/** Later than any update time a source holds: asks for the unbounded maximum. */
const END_OF_TIME = '9999-12-31 23:59:59.999999';

/** A batch that lost a deadlock (or met a busy SQLite) is rolled back whole by the database: run it again. */
async function writeWithRetry(rc: RunContext, rows: SourceRow[], c: RunCounters, targetWasEmpty: boolean, driftBefore: string | null): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const fresh = zeroCounters();
    try {
      await rc.db.transaction(async (trx) => {
        await rc.step('write');
        await writeBatch(trx, { job: rc.job, runId: rc.runId, full: true, targetWasEmpty, reader: rc.reader, driftBefore }, rows, fresh);
        await rc.step('written');
      });
      addCounters(c, fresh);
      await rc.step('committed');
      return;
    } catch (err) {
      if (attempt >= 3 || !isRetryable(err)) throw err;
    }
  }
}

export async function runFull(rc: RunContext): Promise<void> {
  const { db, job, runId, reader, counters } = rc;
  // taken BEFORE reading: rows changed while we read have later times and the next
  // incremental run picks them up; rows stamped after the source clock minus the delay are
  // left to the incremental runs, as they would be
  let startMax = null;
  let upper: string | undefined;
  let driftBefore: string | null = null;
  if (job.updateTime) {
    const previous = await getWatermark(db, job.id);
    driftBefore = previous?.t ?? null;
    const sample = previous?.t ?? (await reader.maxCursor(END_OF_TIME))?.t;
    if (sample !== undefined) {
      upper = likeSource(await reader.upperBound(job.delaySeconds), sample);
      startMax = await reader.maxCursor(upper);
      counters.future = await reader.countAfter(shiftTimeText(upper, job.delaySeconds + FUTURE_TOLERANCE_SECONDS));
    }
  }
  // on MariaDB two batches are written at once (their keys are disjoint), so the gateway's
  // work on one overlaps ours on the next; SQLite has one connection and writes in turn
  // (a CSV file may repeat a key in a later batch: there the last version must win, in order)
  const depth = !allowsConcurrentTransactions(db) || isCsvSource(job.source) ? 1 : 2;
  // a first load into an empty library need not look up keys that cannot be there
  const targetWasEmpty = !(await db(job.library.table).first(job.library.pk));
  const inflight: Promise<void>[] = [];
  try {
    for await (const rows of reader.fullBatches(job.batchSize)) {
      const c = zeroCounters();
      const p = writeWithRetry(rc, rows, c, targetWasEmpty, driftBefore).then(() => addCounters(counters, c));
      p.catch(() => undefined); // awaited below; never an unhandled rejection
      inflight.push(p);
      if (inflight.length >= depth) await inflight.shift();
      await rc.checkpoint();
    }
    while (inflight.length) await inflight.shift();
  } catch (err) {
    await Promise.allSettled(inflight);
    throw err;
  }
  // the limit is checked before anything is swept or the watermark moves
  rc.checkErrorLimit(true);
  const lib = job.library;
  const now = Date.now();
  await db.transaction(async (trx) => {
    // into a library empty at the start every row of this job was written by this run (the job's
    // lease keeps its other runs out): nothing is unseen, and the sweep — a scan of the whole
    // table, 2.7 s of a first load of 1 M people — is skipped
    const swept = targetWasEmpty
      ? 0
      : await trx(lib.table)
          .where({ source_job: job.id, deleted: false })
          .andWhere((w) => w.whereNull('seen_run').orWhere('seen_run', '<>', runId))
          .update({ deleted: true, deleted_at: now, synced_at: now });
    await rc.step('swept');
    counters.deleted += Number(swept);
    await afterSweep(trx, job, Number(swept));
    if (startMax) await setWatermark(trx, job.id, startMax, upper);
    await rc.step('watermarked');
  });
}
