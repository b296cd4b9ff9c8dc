/**
 * What the sync engine calls after writing a batch: the one entry into 多元校核.
 * A 校核源's batch is stored beside the library and compared; an authoritative batch has its
 * records compared again (rules and 校核源 values). Differences never block the write: the
 * comparison runs in a savepoint, and if it fails only it is undone (and counted).
 */
import type { Knex } from 'knex';
import type { Job } from '../sync/jobs';
import { verificationCheckFailures } from '../../core/metrics';
import { mappedItems } from './ownership';
import { applyRecheck, planRecheck, recheckRecords, writesNothing, WrittenRecords } from './compare';
import { abortsTransaction } from '../sync/write';
import { closeDifferencesOfDeleted, removeSourceValues, saveSourceValues, SourceValue } from './store';

export interface VerifiedRow {
  pk: string;
  business: Record<string, string | number | null>;
  /** the source flags the record deleted: the 校核源 withdraws its values */
  deleted: boolean;
}

/** A 校核源's batch: its values replace what it said before, then those records are compared. */
export async function recordSourceValues(trx: Knex.Transaction, job: Job, rows: VerifiedRow[], now = Date.now()): Promise<void> {
  const items = mappedItems(job, job.library);
  const values: SourceValue[] = [];
  for (const r of rows) {
    if (r.deleted) continue;
    for (const item of items) values.push({ jobId: job.id, recordKey: r.pk, item, value: r.business[item] == null ? null : String(r.business[item]) });
  }
  await removeSourceValues(trx, job.id, rows.filter((r) => r.deleted).map((r) => r.pk));
  await saveSourceValues(trx, job.target, values, now);
  await recheckRecords(trx, job.library, rows.map((r) => r.pk), now);
}

/**
 * After an authoritative write: compare the written records again, never failing the batch.
 * Records written whole are compared as written (a first load, or a job mapping every item,
 * reads nothing back).
 */
export async function recheckAfterWrite(trx: Knex.Transaction, job: Job, keys: string[], written?: WrittenRecords): Promise<void> {
  if (keys.length === 0) return;
  try {
    const plan = await planRecheck(trx, job.library, keys, written);
    // only writes go in the savepoint: a failed read ends neither a MySQL nor a SQLite
    // transaction (what would — a deadlock, a lost connection — is rethrown below), and most
    // batches have nothing to write, which spares them the savepoint's two statements
    if (!writesNothing(plan)) await trx.transaction((savepoint) => applyRecheck(savepoint, job.library.table, plan, Date.now()));
  } catch (err) {
    if (abortsTransaction(err)) throw err; // the database dropped the whole batch: it is retried as usual
    verificationCheckFailures.inc({ library: job.library.table });
  }
}

/** After a full run's sweep soft-deleted records: their differences close (in the sweep's transaction). */
export async function afterSweep(trx: Knex.Transaction, job: Job, swept: number): Promise<void> {
  if (swept === 0) return;
  const lib = job.library;
  await closeDifferencesOfDeleted(trx, lib.table, lib.table, lib.pk, Date.now());
}
