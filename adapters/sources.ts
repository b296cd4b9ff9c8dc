/**
 * Front-end sources (前置机): one knex instance per source database, opened for one run and
 * closed after it, or an uploaded CSV file. Readers hand out pages of raw rows; they never
 * touch the gateway store.
 */
import fs from 'node:fs';
import type { Knex } from 'knex';
import { parse } from 'csv-parse';
import { openKnex } from '../core/db';
import { databaseClockText, isMysqlDriver } from '../core/dialect';
import { CsvSource, DbSource, isCsvSource, Job } from './sync/jobs';

export type SourceRow = Record<string, unknown>;

/** (update time, key values): the incremental cursor. key null = before every key at that time. */
export interface Cursor {
  t: string;
  k: unknown[] | null;
}

export interface SourceReader {
  /** yields the whole source in key order (CSV: file order), batch by batch */
  fullBatches(batchSize: number): AsyncGenerator<SourceRow[]>;
  /** the largest (update time, key) now in the source, null when empty */
  maxCursor(): Promise<Cursor | null>;
  /** the source clock minus `delaySeconds`, at the source's text precision */
  upperBound(delaySeconds: number): Promise<string>;
  /** rows after `cursor` with update time ≤ upper, ordered by (time, key) */
  pageAfter(cursor: Cursor, upper: string, limit: number): Promise<SourceRow[]>;
  close(): Promise<void>;
}

export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

export function openSourceKnex(s: DbSource): Knex {
  if (isMysqlDriver(s.client)) return openKnex({ client: 'mysql', url: s.connection as string, poolMax: 2 });
  const filename = typeof s.connection === 'string' ? s.connection : s.connection.filename;
  if (!fs.existsSync(filename)) throw new SourceError(`源数据库文件不存在: ${filename}`);
  return openKnex({ client: 'sqlite', sqliteFile: filename });
}

/** Key columns after `after`, lexicographically: (k1 > a1) or (k1 = a1 and k2 > a2) … */
function afterKeys(qb: Knex.QueryBuilder, keys: string[], after: unknown[]): void {
  qb.where((outer) => {
    for (let i = 0; i < keys.length; i++) {
      outer.orWhere((inner) => {
        for (let j = 0; j < i; j++) inner.where(keys[j], after[j] as Knex.Value);
        inner.where(keys[i], '>', after[i] as Knex.Value);
      });
    }
  });
}

class DbReader implements SourceReader {
  private readonly db: Knex;
  private readonly columns: string[];

  constructor(private readonly job: Job, private readonly src: DbSource) {
    this.db = openSourceKnex(src);
    const cols = new Set<string>([...Object.keys(job.columns), ...job.keys]);
    if (job.updateTime) cols.add(job.updateTime);
    if (job.deleteFlag) cols.add(job.deleteFlag.column);
    this.columns = [...cols];
  }

  private from(): Knex.QueryBuilder {
    const q = this.src.table ? this.db(this.src.table) : this.db.from(this.db.raw(`(${this.src.query}) as dprs_src`));
    // knex types a column list on an untyped table as "*"; the list is our own, checked names
    return q.column(this.columns as string[] & "*");
  }

  private keyPage(after: unknown[] | null, batchSize: number): Promise<SourceRow[]> {
    const q = this.from().limit(batchSize);
    for (const k of this.job.keys) q.orderBy(k);
    if (after) afterKeys(q, this.job.keys, after);
    return q as Promise<SourceRow[]>;
  }

  async *fullBatches(batchSize: number): AsyncGenerator<SourceRow[]> {
    let pending = this.keyPage(null, batchSize);
    for (;;) {
      const rows = await pending;
      if (rows.length === 0) return;
      const last: SourceRow = rows[rows.length - 1];
      const more = rows.length === batchSize;
      // read the next page while the caller writes this one: source and target work in parallel
      if (more) {
        pending = this.keyPage(this.job.keys.map((k) => last[k]), batchSize);
        pending.catch(() => undefined); // surfaced when awaited; a stopped run must not crash the process
      }
      yield rows;
      if (!more) return;
    }
  }

  private requireTime(): string {
    if (!this.job.updateTime) throw new SourceError('任务未配置 updateTime，不能增量同步');
    return this.job.updateTime;
  }

  async maxCursor(): Promise<Cursor | null> {
    const t = this.requireTime();
    const q = this.from().orderBy(t, 'desc').limit(1);
    for (const k of this.job.keys) q.orderBy(k, 'desc');
    const row = (await q.first()) as SourceRow | undefined;
    if (!row) return null;
    return { t: String(row[t]), k: this.job.keys.map((k) => row[k]) };
  }

  upperBound(delaySeconds: number): Promise<string> {
    return databaseClockText(this.db, delaySeconds);
  }

  async pageAfter(cursor: Cursor, upper: string, limit: number): Promise<SourceRow[]> {
    const t = this.requireTime();
    const q = this.from().where(t, '<=', upper).orderBy(t).limit(limit);
    for (const k of this.job.keys) q.orderBy(k);
    q.where((w) => {
      w.where(t, '>', cursor.t);
      if (cursor.k) {
        const k = cursor.k;
        w.orWhere((same) => {
          same.where(t, cursor.t);
          afterKeys(same, this.job.keys, k);
        });
      }
    });
    return (await q) as SourceRow[];
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}

class CsvReader implements SourceReader {
  constructor(private readonly src: CsvSource) {
    if (!fs.existsSync(src.csv)) throw new SourceError(`CSV 文件不存在: ${src.csv}`);
  }

  async *fullBatches(batchSize: number): AsyncGenerator<SourceRow[]> {
    const parser = fs.createReadStream(this.src.csv).pipe(
      parse({ columns: true, bom: true, delimiter: this.src.delimiter ?? ',', skip_empty_lines: true, trim: true }),
    );
    let batch: SourceRow[] = [];
    for await (const rec of parser) {
      batch.push(rec as SourceRow);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }

  async maxCursor(): Promise<Cursor | null> {
    return null;
  }

  async upperBound(): Promise<string> {
    throw new SourceError('CSV 文件源只支持全量同步');
  }

  async pageAfter(): Promise<SourceRow[]> {
    throw new SourceError('CSV 文件源只支持全量同步');
  }

  async close(): Promise<void> {}
}

export function openSource(job: Job): SourceReader {
  return isCsvSource(job.source) ? new CsvReader(job.source) : new DbReader(job, job.source);
}

