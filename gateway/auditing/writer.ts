/**
 * Group commit for audit rows. Requests hand their entry to the writer and wait; a transaction
 * takes what has arrived once it holds the chain's head lock, and entries that arrive later go
 * to the next. Every request is answered only after its own row is durable, and a failed batch
 * fails every request in it. On MySQL the next transaction is begun while one commits: it
 * waits at the lock, which InnoDB releases before the commit's log flush, so the flush and the
 * next batch's statements overlap instead of following one another (BENCHMARKS.md, "Round 13").
 * The process's first commit, and each that completes a block of ids, start building the
 * pending key blocks (./key-blocks), after the answers.
 */
import type { Db } from '../../core/db';
import type { AuditEntry } from './chain';
import { appendWhenLocked } from './store';
import { KeyBlockBuilder } from './key-blocks';
import { allowsConcurrentTransactions } from '../../core/dialect';
import { auditBatchSize, auditWriteDuration } from '../../core/metrics';

interface Pending {
  entry: AuditEntry;
  resolve(): void;
  reject(err: unknown): void;
}

export class AuditWriter {
  private queue: Pending[] = [];
  /** transactions begun and not yet ended */
  private readonly running = new Set<Promise<void>>();
  /** one of them has not taken its entries yet: whatever arrives now joins it */
  private waiting = false;
  /** SQLite has one writer: a second transaction would only queue behind the first */
  private readonly maxRunning: number;
  private readonly keyBlocks: KeyBlockBuilder;

  /** `onBlockError`: a key block that could not be built (it is built again later) */
  constructor(
    private readonly db: Db,
    private readonly chainKey: Buffer,
    private readonly maxBatch = 500,
    onBlockError: (err: unknown) => void = () => undefined,
  ) {
    this.keyBlocks = new KeyBlockBuilder(db, onBlockError);
    this.maxRunning = allowsConcurrentTransactions(db) ? 2 : 1;
  }

  append(entry: AuditEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.begin();
    });
  }

  /** Resolves when everything queued so far is committed (or has failed), and its key blocks built. */
  async flush(): Promise<void> {
    await this.ended();
    await this.keyBlocks.settled();
  }

  /** Before the database closes: everything queued committed, key blocks no longer built. */
  async close(): Promise<void> {
    await this.ended();
    await this.keyBlocks.stop();
  }

  private async ended(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  /** A transaction for what waits, unless one is already waiting for the lock or enough run. */
  private begin(): void {
    if (this.waiting || this.queue.length === 0) return;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: more transactions at once would only wait at the lock too — the same batches, later; no test sees it but a clock
    if (this.running.size >= this.maxRunning) return;
    this.waiting = true;
    // the lookups answered together (one shared read) append together: let the continuations
    // already queued run first, so they join this batch — without waiting for the turn to end,
    // which held every answer for another loop iteration (BENCHMARKS.md, "Round 11")
    const run = new Promise<void>((resolve) => process.nextTick(resolve)).then(() => this.commitNext());
    this.running.add(run);
    void run.finally(() => {
      this.running.delete(run);
      this.begin();
    });
  }

  private async commitNext(): Promise<void> {
    let batch: Pending[] = [];
    let took = false;
    let stop = () => 0;
    const take = () => {
      took = true;
      this.waiting = false;
      batch = this.queue.splice(0, this.maxBatch);
      stop = auditWriteDuration.startTimer();
      // what is left, and what arrives from now on, waits at the lock for the next transaction
      this.begin();
      return batch.map((p) => p.entry);
    };
    try {
      const rows = await appendWhenLocked(this.db, this.chainKey, take);
      stop();
      auditBatchSize.observe(batch.length);
      for (const p of batch) p.resolve();
      this.keyBlocks.committed(Number(rows[0].id), Number(rows[rows.length - 1].id));
    } catch (err) {
      // failed before taking its entries (no connection, say): fails those waiting, as a batch
      if (!took) take();
      for (const p of batch) p.reject(err);
    }
  }
}
