/**
 * Front-end sources (前置机): one knex instance per source database, opened for one run and
 * closed after it, or an uploaded CSV file. Readers hand out pages of raw rows; they never
 * touch the gateway store.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { parse } from 'csv-parse';
import { syncSourcePassword, type Config } from '../core/config';
import { openKnex } from '../core/db';
import { ensurePrivateDir } from '../core/files';
import { databaseClockText, isMysqlDriver } from '../core/dialect';
import { CsvSource, DbSource, isCsvSource, Job, JobDefinition, JobDefinitionError } from './sync/jobs';

export type SourceRow = Record<string, unknown>;

/** (update time, key values): the incremental cursor. key null = before every key at that time. */
export interface Cursor {
  t: string;
  k: unknown[] | null;
}

export interface SourceReader {
  /** yields the whole source in key order (CSV: file order), batch by batch */
  fullBatches(batchSize: number): AsyncGenerator<SourceRow[]>;
  /** the largest (update time, key) now in the source with update time ≤ upTo, null when none */
  maxCursor(upTo: string): Promise<Cursor | null>;
  /** how many rows are stamped later than `t` (rows ahead of the source clock) */
  countAfter(t: string): Promise<number>;
  /** the current rows whose `column` holds one of `values`; null when the source cannot look rows up */
  rowsByKeys(column: string, values: string[]): Promise<SourceRow[] | null>;
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

/**
 * What a job may read on this host: CSV files only under the exchange directory, a SQLite
 * file that is not the gateway's own database, network databases only on allow-listed hosts
 * (the departments' 前置机) and never the gateway's own schema.
 */
export interface SourcePolicy {
  fileDir: string;
  sourceHosts: readonly string[];
  gateway: { sqliteFile: string | null; mysqlUrl: string | null };
}

export function sourcePolicy(config: Config): SourcePolicy {
  return {
    fileDir: config.sync.fileDir,
    sourceHosts: config.sync.sourceHosts,
    gateway: config.db.client === 'sqlite' ? { sqliteFile: config.db.sqliteFile, mysqlUrl: null } : { sqliteFile: null, mysqlUrl: config.db.url },
  };
}

const refuse = (field: string, why: string) => new JobDefinitionError(`同步任务定义无效：字段 ${field} ${why}`);

/** The real path of `p` (symlinks and `..` resolved), for a file that may not exist yet. */
function realPath(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(p)), path.basename(p));
    } catch {
      return null;
    }
  }
}

const within = (dir: string, p: string) => p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

function sameFile(a: string, b: string): boolean {
  try {
    const x = fs.statSync(a);
    const y = fs.statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** Where a mysql:// URL leads; a unix socket counts as localhost. */
function mysqlTarget(url: string): { host: string; port: string; database: string; password: string } {
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  return {
    host: u.searchParams.get('socket') ? 'localhost' : u.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1'),
    port: u.port || '3306',
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
    password: u.password,
  };
}

/**
 * Checks a definition's source against the policy and returns it with file paths made real
 * (a CSV path relative to the exchange directory is resolved there). A refusal names the field.
 */
export function confineSource(def: JobDefinition, policy: SourcePolicy): JobDefinition {
  const s = def.source;
  if (isCsvSource(s)) {
    ensurePrivateDir(policy.fileDir);
    const dir = fs.realpathSync(policy.fileDir);
    const file = realPath(path.resolve(dir, s.csv));
    if (!file || !within(dir, file)) throw refuse('source.csv', `须是交换目录 ${policy.fileDir} 之下的文件`);
    if (fs.existsSync(file) && !fs.statSync(file).isFile()) throw refuse('source.csv', '须是普通文件');
    return { ...def, source: { ...s, csv: file } };
  }
  if (!isMysqlDriver(s.client)) {
    const field = typeof s.connection === 'string' ? 'source.connection' : 'source.connection.filename';
    const given = typeof s.connection === 'string' ? s.connection : s.connection.filename;
    const file = realPath(path.resolve(given));
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) throw refuse(field, '须是已存在的 SQLite 数据库文件');
    const own = policy.gateway.sqliteFile;
    if (own && (file === realPath(own) || sameFile(file, own))) throw refuse(field, '不能是网关自身的数据库');
    return { ...def, source: { ...s, connection: { filename: file } } };
  }
  let target: ReturnType<typeof mysqlTarget>;
  try {
    target = mysqlTarget(String(s.connection));
  } catch {
    throw refuse('source.connection', '应为 mysql:// URL');
  }
  if (target.password !== '') {
    throw refuse('source.connection', '不能包含密码：请把密码放在环境变量 SYNC_PASSWORD_… 中，并用 source.passwordEnv 指明变量名');
  }
  if (!policy.sourceHosts.includes(target.host)) throw refuse('source.connection', `的主机 ${target.host} 不在允许的前置机列表（SYNC_SOURCE_HOSTS）中`);
  if (policy.gateway.mysqlUrl) {
    const own = mysqlTarget(policy.gateway.mysqlUrl);
    if (own.host === target.host && own.port === target.port && own.database === target.database) throw refuse('source.connection', '不能是网关自身的数据库');
  }
  return def;
}

/**
 * A defined source's path is real (confineSource); a path that no longer resolves to itself
 * had a symlink put in its way since, and is not followed.
 */
function requireUnmoved(file: string, what: string): void {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    throw new SourceError(`${what}不存在: ${file}`);
  }
  if (real !== path.resolve(file)) throw new SourceError(`${what}路径已被改为指向别处（符号链接），拒绝读取: ${file}`);
}

/** The connection URL with its password, read now from the variable the job names. */
function connectionUrl(s: DbSource): string {
  if (!s.passwordEnv) return s.connection as string;
  const password = syncSourcePassword(s.passwordEnv);
  if (password === undefined) throw new SourceError(`源数据库密码的环境变量 ${s.passwordEnv} 未设置`);
  const u = new URL(s.connection as string);
  u.password = encodeURIComponent(password);
  return u.toString();
}

export function openSourceKnex(s: DbSource): Knex {
  if (isMysqlDriver(s.client)) return openKnex({ client: 'mysql', url: connectionUrl(s), poolMax: 2, source: true });
  const filename = typeof s.connection === 'string' ? s.connection : s.connection.filename;
  requireUnmoved(filename, '源数据库文件');
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

  /** A promise, not the query builder: a builder runs its query again each time it is awaited. */
  private async keyPage(after: unknown[] | null, batchSize: number): Promise<SourceRow[]> {
    const q = this.from().limit(batchSize);
    for (const k of this.job.keys) q.orderBy(k);
    if (after) afterKeys(q, this.job.keys, after);
    return (await q) as SourceRow[];
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

  async maxCursor(upTo: string): Promise<Cursor | null> {
    const t = this.requireTime();
    const q = this.from().where(t, '<=', upTo).orderBy(t, 'desc').limit(1);
    for (const k of this.job.keys) q.orderBy(k, 'desc');
    const row = (await q.first()) as SourceRow | undefined;
    if (!row) return null;
    return { t: String(row[t]), k: this.job.keys.map((k) => row[k]) };
  }

  async countAfter(after: string): Promise<number> {
    const t = this.requireTime();
    const q: Knex.QueryBuilder = this.src.table ? this.db(this.src.table) : this.db.from(this.db.raw(`(${this.src.query}) as dprs_src`));
    const rows = (await q.where(t, '>', after).count({ n: '*' })) as Array<{ n: number | string }>;
    return Number(rows[0]?.n ?? 0);
  }

  async rowsByKeys(column: string, values: string[]): Promise<SourceRow[]> {
    const out: SourceRow[] = [];
    for (let i = 0; i < values.length; i += 500) out.push(...((await this.from().whereIn(column, values.slice(i, i + 500))) as SourceRow[]));
    return out;
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
    requireUnmoved(src.csv, 'CSV 文件');
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

  async countAfter(): Promise<number> {
    return 0;
  }

  /** a file is read front to back only */
  async rowsByKeys(): Promise<null> {
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

