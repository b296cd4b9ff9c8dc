/**
 * Group commit for audit rows. Requests hand their entry to the writer and wait; entries that
 * arrive while a batch is being committed go into the next batch. Every request is answered
 * only after its own row is durable, and a failed batch fails every request in it. The
 * process's first commit, and each that completes a block of ids, start building the pending
 * key blocks (./key-blocks), after the answers.
 */
import type { Db } from '../../core/db';
import type { AuditEntry } from './chain';
import { appendEntries } from './store';
import { KeyBlockBuilder } from './key-blocks';
import { auditBatchSize, auditWriteDuration } from '../../core/metrics';

interface Pending {
  entry: AuditEntry;
  resolve(): void;
  reject(err: unknown): void;
}

export class AuditWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private readonly keyBlocks: KeyBlockBuilder;

  /** `onBlockError`: a key block that could not be built (it is built again later) */
  constructor(
    private readonly db: Db,
    private readonly chainKey: Buffer,
    private readonly maxBatch = 500,
    onBlockError: (err: unknown) => void = () => undefined,
  ) {
    this.keyBlocks = new KeyBlockBuilder(db, onBlockError);
  }

  append(entry: AuditEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      if (!this.flushing) this.flushing = this.drain();
    });
  }

  /** Resolves when everything queued so far is committed (or has failed), and its key blocks built. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.keyBlocks.settled();
  }

  /** Before the database closes: everything queued committed, key blocks no longer built. */
  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.keyBlocks.stop();
  }

  private async drain(): Promise<void> {
    // the lookups answered together (one shared read) append together: let the continuations
    // already queued run first, so they join this batch — without waiting for the turn to end,
    // which held every answer for another loop iteration (BENCHMARKS.md, "Round 11")
    await new Promise<void>((resolve) => process.nextTick(resolve));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      const stop = auditWriteDuration.startTimer();
      try {
        const rows = await appendEntries(
          this.db,
          this.chainKey,
          batch.map((p) => p.entry),
        );
        stop();
        auditBatchSize.observe(batch.length);
        for (const p of batch) p.resolve();
        this.keyBlocks.committed(Number(rows[0].id), Number(rows[rows.length - 1].id));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.flushing = null;
  }
}
