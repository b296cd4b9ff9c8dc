/**
 * A full run: the whole source in key order, batch by batch, each batch in its own
 * transaction. Only when every batch is in does one transaction soft-delete the rows this
 * run did not see and set the incremental watermark to the source maximum taken before
 * reading — so a failed or killed full run deletes nothing and moves no watermark.
 */
import type { RunContext } from './context';
import { writeBatch } from './write';
import { setWatermark } from './watermarks';
import { TARGETS } from './targets';
import { zeroCounters, RunCounters } from './runs';

function add(into: RunCounters, c: RunCounters): void {
  into.read += c.read;
  into.written += c.written;
  into.unchanged += c.unchanged;
  into.rejected += c.rejected;
  into.deleted += c.deleted;
}

export async function runFull(rc: RunContext): Promise<void> {
  const { db, job, runId, reader, counters } = rc;
  // taken BEFORE reading: rows changed while we read have later times and the next
  // incremental run picks them up
  const startMax = job.updateTime ? await reader.maxCursor() : null;
  for await (const rows of reader.fullBatches(job.batchSize)) {
    const c = zeroCounters();
    await db.transaction((trx) => writeBatch(trx, { job, runId, full: true }, rows, c));
    add(counters, c);
    await rc.checkpoint();
  }
  rc.checkErrorLimit(true);
  const lib = TARGETS[job.target];
  const now = Date.now();
  await db.transaction(async (trx) => {
    const swept = await trx(lib.table)
      .where({ source_job: job.id, deleted: false })
      .andWhere((w) => w.whereNull('seen_run').orWhere('seen_run', '<>', runId))
      .update({ deleted: true, deleted_at: now, synced_at: now });
    counters.deleted += Number(swept);
    if (startMax) await setWatermark(trx, job.id, startMax);
  });
}

export { add as addCounters };
