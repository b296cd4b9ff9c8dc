/** What a full or incremental run works with, handed to it by the engine. */
import type { Knex } from 'knex';
import type { SourceReader } from '../sources';
import type { Job } from './jobs';
import type { RunCounters } from './runs';

export interface RunContext {
  db: Knex;
  job: Job;
  runId: number;
  reader: SourceReader;
  counters: RunCounters;
  /** after each committed batch: progress, lease renewal check, throttle */
  checkpoint(): Promise<void>;
  /** throws when new rejects exceed the job's limit; `final` also applies the percentage */
  checkErrorLimit(final: boolean): void;
  /** marks a step of a batch (tests inject failures here: a throw inside the transaction rolls it back) */
  step(name: BatchStep): Promise<void>;
}

/**
 * Steps of a batch: before its write, after it, after its watermark (all inside its
 * transaction), after its commit; and, at the end of a full run, after the sweep.
 */
export type BatchStep = 'write' | 'written' | 'watermarked' | 'committed' | 'swept';

/** A run that must stop, with a reason fit for an operator. */
export class RunAbort extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunAbort';
  }
}
