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
  /** throws when rejects exceed the job's limit; `final` also applies the percentage */
  checkErrorLimit(final: boolean): void;
}

/** A run that must stop, with a reason fit for an operator. */
export class RunAbort extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunAbort';
  }
}
