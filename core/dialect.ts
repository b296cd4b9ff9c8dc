/**
 * Every difference between SQLite (better-sqlite3) and MySQL/MariaDB (mysql2) the code relies
 * on, behind named helpers. Nothing outside this module asks which database it is talking to.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { ensurePrivateDir, ensurePrivateFile } from './files';
import { dbErrorKind } from './db-errors';
import { holdPayload, loadDataPayload, payloadStream, releasePayload } from './local-infile';

export type Db = Knex;

export interface OpenOptions {
  client: 'sqlite' | 'mysql';
  url?: string | null;
  sqliteFile?: string;
  poolMax?: number;
  /** a department's front-end database (前置机), not the gateway's own store: trusted less (see knexConfig) */
  source?: boolean;
}

export function isSqlite(db: Knex): boolean {
  return db.client.config.client === 'better-sqlite3';
}

/** A source definition names its driver; the mysql2 one is reached by URL. */
export function isMysqlDriver(driver: string): boolean {
  return driver === 'mysql2';
}

/** Turns mysql://user:pass@host:port/db?socket=/run/mysqld/mysqld.sock into mysql2 options. */
function mysqlConnection(url: string): Knex.MySql2ConnectionConfig {
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const socket = u.searchParams.get('socket');
  return {
    host: socket ? undefined : u.hostname || '127.0.0.1',
    port: socket ? undefined : Number(u.port || 3306),
    socketPath: socket ?? undefined,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
    charset: 'utf8mb4',
    // times are stored as epoch-ms integers or UTC text; keep the driver from shifting them
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
  };
}

/**
 * LOAD DATA LOCAL: the gateway's own store is loaded from memory (loadRows), a name at a time.
 * A source's server is not offered the capability at all — one that asked anyway (the protocol
 * lets a server ask in answer to any query) meets mysql2's refusal, never another job's rows.
 */
function localFilesFor(opts: OpenOptions): Partial<Knex.MySql2ConnectionConfig> {
  return opts.source ? { flags: '-LOCAL_FILES' } : ({ infileStreamFactory: payloadStream } as Partial<Knex.MySql2ConnectionConfig>);
}

interface SqliteConnection {
  pragma(s: string): unknown;
  prepare(sql: string): unknown;
}

const STATEMENT_CACHE_MAX = 500;

const SQLITE_MMAP_BYTES = 256 * 1024 * 1024;

/**
 * knex prepares every SQLite statement anew, prominent in a CPU profile of the lookups. Prepared
 * statements are reusable (SQLite re-prepares them itself after a schema change), so the
 * connection keeps the recent ones by SQL text.
 */
function cacheStatements(conn: SqliteConnection): void {
  const prepare = conn.prepare.bind(conn);
  const cache = new Map<string, unknown>();
  conn.prepare = (sql: string) => {
    let stmt = cache.get(sql);
    if (stmt === undefined) {
      stmt = prepare(sql);
      if (cache.size >= STATEMENT_CACHE_MAX) cache.clear();
      cache.set(sql, stmt);
    }
    return stmt;
  };
}

/**
 * knex prints its own warnings (a failed connection attempt, with the driver's stack) on the
 * console; the same failure reaches the caller as an error, described there in Chinese.
 */
const QUIET_KNEX_LOG = { warn() {}, error() {}, deprecate() {}, debug() {} };

/** knex settings for one database: a mysql2 pool, or one better-sqlite3 connection in WAL mode. */
export function knexConfig(opts: OpenOptions): Knex.Config {
  if (opts.client === 'mysql') {
    if (!opts.url) throw new Error('mysql needs a url');
    return {
      client: 'mysql2',
      log: QUIET_KNEX_LOG,
      connection: { ...mysqlConnection(opts.url), ...localFilesFor(opts) },
      pool: { min: 0, max: opts.poolMax ?? 10 },
      acquireConnectionTimeout: 10000,
    };
  }
  const file = opts.sqliteFile ?? ':memory:';
  if (file !== ':memory:' && !fs.existsSync(file)) {
    ensurePrivateDir(path.dirname(file));
    ensurePrivateFile(file);
  }
  return {
    client: 'better-sqlite3',
    log: QUIET_KNEX_LOG,
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
        cacheStatements(conn);
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma('busy_timeout = 5000');
        // reads by memory map instead of a read() call per page: a lookup on SQLite took 12–20 %
        // less CPU with it (BENCHMARKS.md, "Round 4"); the file's first 256 MiB
        conn.pragma(`mmap_size = ${SQLITE_MMAP_BYTES}`);
        conn.pragma('foreign_keys = ON');
        done(null, conn);
      },
    },
  };
}

/**
 * Adds a virtual column holding `of` while the row is live and NULL once it is `deleted`: a
 * unique index on it constrains live rows only (MariaDB has no partial indexes; NULLs never clash).
 */
export function addLiveValueColumn(db: Knex, table: string, name: string, of: string, length: number): Knex.Raw {
  const expr = isSqlite(db) ? `case when \`deleted\` then null else \`${of}\` end` : `if(\`deleted\`, null, \`${of}\`)`;
  const generated = isSqlite(db) ? 'generated always as' : 'as';
  return db.raw(`alter table \`${table}\` add column \`${name}\` varchar(${length}) ${generated} (${expr}) virtual`);
}

/**
 * Rows per multi-row insert. On SQLite knex writes a multi-row insert as a compound SELECT,
 * capped at 500 terms, and a statement takes at most 32,766 bound variables.
 */
export function batchRowsFor(db: Knex, columns: number, wanted = 500): number {
  const cap = isSqlite(db) ? Math.min(500, Math.floor(32766 / Math.max(1, columns))) : 5000;
  return Math.max(1, Math.min(wanted, cap));
}

let formatMysql: typeof import('mysql2').format | undefined;

/** Statements already written, by shape: a full sync asks for the same few thousands of times. */
const insertStatements = new Map<string, string>();

/**
 * Runs a multi-row insert of `values` (row after row, each in `columns` order), written by hand
 * for the sync's hot path: knex's builder, and its binding of a raw statement's thousands of
 * `?`, each cost more CPU than the statement. With `upsert`, a row whose key exists has its
 * `merge` columns updated instead, as knex's onConflict(key).merge(columns) writes it: ON
 * DUPLICATE KEY UPDATE on MySQL (which fires for any unique index), ON CONFLICT (key) on SQLite.
 */
export function multiRowInsert(db: Knex, table: string, columns: readonly string[], values: unknown[], upsert?: { key: string; merge: readonly string[] }): Knex.Raw {
  const sqlite = isSqlite(db);
  const rows = values.length / columns.length;
  const shape = `${sqlite}\u0000${table}\u0000${columns.join(',')}\u0000${rows}\u0000${upsert ? `${upsert.key}\u0000${upsert.merge.join(',')}` : ''}`;
  let sql = insertStatements.get(shape);
  if (sql === undefined) {
    const q = (c: string) => `\`${c}\``;
    const tuple = `(${columns.map(() => '?').join(',')})`;
    sql = `insert into ${q(table)} (${columns.map(q).join(',')}) values ${Array(rows).fill(tuple).join(',')}`;
    if (upsert && sqlite) sql += ` on conflict (${q(upsert.key)}) do update set ${upsert.merge.map((c) => `${q(c)} = excluded.${q(c)}`).join(', ')}`;
    else if (upsert) sql += ` on duplicate key update ${upsert.merge.map((c) => `${q(c)} = values(${q(c)})`).join(', ')}`;
    insertStatements.set(shape, sql);
  }
  // SQLite binds natively; on MySQL the values are escaped into the text as mysql2 itself would
  // (no Dates among them, so no time zone), and knex is handed no bindings to scan for
  if (sqlite) return db.raw(sql, values as Knex.Value[]);
  const format = (formatMysql ??= (require('mysql2') as typeof import('mysql2')).format); // loaded by knex already on MySQL, never on SQLite
  return db.raw(format(sql, values as Parameters<typeof format>[1]));
}

/**
 * Inserts new rows (`values` row after row, in `columns` order) into a MySQL table by LOAD DATA
 * LOCAL INFILE, inside the caller's transaction: tab-separated text with three characters
 * escaped, instead of every value escaped into a multi-row INSERT (a first load of 1 M rows:
 * 39.9 → 33.7 s, less CPU on both sides, BENCHMARKS.md "Round 4"). With LOCAL, MySQL turns a duplicate key or a value that
 * does not fit into a warning and goes on, so the load runs under a savepoint: unless every row
 * went in without a warning, it is undone and the answer is false — the caller then inserts
 * the rows one by one, where each failure is an error naming its cause.
 */
async function loadRows(trx: Knex.Transaction, table: string, columns: readonly string[], values: unknown[]): Promise<boolean> {
  const rows = values.length / columns.length;
  const name = holdPayload(loadDataPayload(values, columns.length));
  try {
    await trx.raw('savepoint dprs_load');
    const [result] = (await trx.raw(
      `load data local infile '${name}' into table \`${table}\` character set utf8mb4 fields terminated by '\\t' escaped by '\\\\' lines terminated by '\\n' (${columns.map((c) => `\`${c}\``).join(',')})`,
    )) as [{ affectedRows: number; warningStatus: number }];
    if (result.affectedRows === rows && result.warningStatus === 0) return true;
    await trx.raw('rollback to savepoint dprs_load');
    return false;
  } finally {
    releasePayload(name);
  }
}

/** Connections (by their knex configuration) whose server refused LOAD DATA LOCAL: it is not asked again. */
const loadDataRefused = new WeakSet<object>();

/**
 * New rows for `table` (none of their keys stored), in one statement inside `trx`: a multi-row
 * insert on SQLite, LOAD DATA on MySQL. False when MySQL did not take every row cleanly and the
 * rows must be inserted one by one instead; an error as a plain insert would raise it.
 */
export async function insertNewRows(trx: Knex.Transaction, table: string, columns: readonly string[], values: unknown[]): Promise<boolean> {
  if (!isSqlite(trx) && !loadDataRefused.has(trx.client.config)) {
    try {
      return await loadRows(trx, table, columns, values);
    } catch (err) {
      // a server with local_infile off: the same rows as one multi-row insert, from now on
      if (dbErrorKind(err) !== 'load-data-refused') throw err;
      loadDataRefused.add(trx.client.config);
      await trx.raw('rollback to savepoint dprs_load');
    }
  }
  await multiRowInsert(trx, table, columns, values);
  return true;
}

export interface SqliteHandle {
  open: boolean;
  inTransaction: boolean;
  /** the database file ("" or ":memory:" in memory) */
  name: string;
  pragma(sql: string, opts?: { simple: boolean }): unknown;
  prepare(sql: string): { all(...bindings: unknown[]): unknown[]; get(...bindings: unknown[]): unknown; run(...bindings: unknown[]): unknown };
  transaction<T>(fn: () => T): { immediate(): T };
}

interface Mysql2Handle {
  execute(sql: string, bindings: unknown[], cb: (err: Error | null, rows: unknown) => void): void;
  query(sql: string, bindings: unknown[], cb: (err: Error | null, rows: unknown) => void): void;
}

/** One statement on a mysql2 connection: prepared and kept (`execute`) or in the text protocol (`query`); undefined binds as NULL. */
function mysqlStatement<R>(conn: Mysql2Handle, protocol: 'execute' | 'query', sql: string, bindings: readonly unknown[]): Promise<R> {
  return new Promise<R>((resolve, reject) => conn[protocol](sql, bindings.map((b) => b ?? null), (err, rows) => (err ? reject(err) : resolve(rows as R))));
}

interface PoolClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(conn: unknown): Promise<void>;
}

/** The one better-sqlite3 connection behind a knex handle, once it has been opened. */
const sqliteHandles = new WeakMap<object, SqliteHandle>();

export async function sqliteHandle(db: Knex): Promise<SqliteHandle> {
  let conn = sqliteHandles.get(db.client);
  if (!conn || !conn.open) {
    const client = db.client as unknown as PoolClient;
    conn = (await client.acquireConnection()) as SqliteHandle;
    await client.releaseConnection(conn);
    sqliteHandles.set(db.client, conn);
  }
  return conn;
}

/** better-sqlite3 takes no booleans or dates (knex converts them the same way) */
function sqliteValue(v: Knex.Value): unknown {
  return typeof v === 'boolean' ? Number(v) : v instanceof Date ? v.valueOf() : v;
}

/**
 * Runs a hand-written select (for the lookup hot path, where building and running the query
 * through knex cost more CPU than the database's work) and returns its rows on either
 * database. The SQL must be portable: backtick identifiers, `?` placeholders, 0/1 for booleans.
 *
 * Outside a transaction it bypasses knex: on SQLite the statement runs on the one connection,
 * prepared once (cacheStatements), unless a transaction is open on it — knex then holds the
 * connection and the read waits for it as any other; on MySQL it is a prepared statement
 * (mysql2 `execute`, kept per connection) on a pooled connection.
 */
export async function selectRows<T>(db: Knex, sql: string, bindings: readonly Knex.Value[]): Promise<T[]> {
  const inTransaction = (db as Knex.Transaction).isTransaction === true;
  if (isSqlite(db)) {
    if (!inTransaction) {
      const conn = await sqliteHandle(db);
      // synchronous: nothing else can use the connection between this check and the read
      if (!conn.inTransaction) return conn.prepare(sql).all(...bindings.map(sqliteValue)) as T[];
    }
    return (await db.raw(sql, bindings)) as T[];
  }
  if (inTransaction) return ((await db.raw(sql, bindings)) as [T[], unknown])[0];
  const client = db.client as unknown as PoolClient;
  const conn = (await client.acquireConnection()) as Mysql2Handle;
  try {
    return await mysqlStatement<T[]>(conn, 'execute', sql, bindings);
  } finally {
    await client.releaseConnection(conn);
  }
}

/** Statements run synchronously inside syncTransaction (portable SQL, as for selectRows). */
export interface SyncStatements {
  get<T>(sql: string, bindings: readonly unknown[]): T | undefined;
  run(sql: string, bindings: readonly unknown[]): void;
}

/**
 * SQLite only: runs `work` as one immediate transaction on the connection, synchronously, its
 * statements prepared once and run without knex. While a transaction through knex holds the
 * connection (a sync batch, a catalogue edit), it waits for it, as knex's own queries do. On
 * MySQL, and inside a transaction, answers undefined: the caller goes its own way.
 * Nothing else can use the connection while it runs (better-sqlite3 is synchronous).
 */
export async function syncTransaction<T>(db: Knex, work: (sql: SyncStatements) => T): Promise<{ value: T } | undefined> {
  if (!isSqlite(db) || (db as Knex.Transaction).isTransaction) return undefined;
  const conn = await sqliteHandle(db);
  const sql: SyncStatements = {
    get: <R>(s: string, b: readonly unknown[]) => conn.prepare(s).get(...b.map((v) => sqliteValue(v as Knex.Value))) as R | undefined,
    run: (s, b) => void conn.prepare(s).run(...b.map((v) => sqliteValue(v as Knex.Value))),
  };
  const run = () => ({ value: conn.transaction(() => work(sql)).immediate() });
  // Stryker disable next-line ConditionalExpression: taking the pooled connection with none open only costs time (it is given at once, or after a knex query under way): the same transaction, later
  if (!conn.inTransaction) return run();
  const client = db.client as unknown as PoolClient;
  const held = await client.acquireConnection();
  try {
    return run();
  } finally {
    await client.releaseConnection(held);
  }
}

/** Statements run inside directTransaction (portable SQL, as for selectRows). */
export interface DirectStatements {
  rows<T>(sql: string, bindings: readonly unknown[]): Promise<T[]>;
  run(sql: string, bindings: readonly unknown[]): Promise<void>;
}

/**
 * MySQL only: runs `work` as one transaction on a pooled connection, its statements sent
 * without knex (text protocol: a multi-row insert of any size is no prepared statement to
 * keep) — for the audit's group commit, where knex's transaction and query building were a
 * measurable part of a lookup's CPU (BENCHMARKS.md, "Round 6"). Rolled back when `work` fails;
 * the caller decides whether to retry.
 */
export async function directTransaction<T>(db: Knex, work: (sql: DirectStatements) => Promise<T>): Promise<T> {
  if (isSqlite(db) || (db as Knex.Transaction).isTransaction) throw new Error('directTransaction: MySQL, outside a transaction');
  const client = db.client as unknown as PoolClient;
  const conn = (await client.acquireConnection()) as Mysql2Handle;
  // Stryker disable next-line ArrayDeclaration: values given to a statement without placeholders are ignored
  const query = <R>(sql: string, bindings: readonly unknown[] = []) => mysqlStatement<R>(conn, 'query', sql, bindings);
  const sql: DirectStatements = { rows: (s, b) => query(s, b), run: async (s, b) => void (await query(s, b)) };
  try {
    await query('start transaction');
    let value: T;
    try {
      value = await work(sql);
      await query('commit');
    } catch (err) {
      // a lost connection has rolled back already; the pool's validation drops it
      await query('rollback').catch(() => undefined);
      throw err;
    }
    return value;
  } finally {
    await client.releaseConnection(conn);
  }
}

/** An insert of `rows` rows (one unless said) of these columns, as portable SQL with `?` placeholders. */
export function insertRowSql(table: string, columns: readonly string[], rows = 1): string {
  const row = `(${columns.map(() => '?').join(', ')})`;
  return `insert into \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) values ${new Array<string>(rows).fill(row).join(', ')}`;
}

/**
 * Whether two transactions can be open at once. SQLite is one connection (one writer): a
 * second transaction would wait for the first, so work is done in turn.
 */
export function allowsConcurrentTransactions(db: Knex): boolean {
  return !isSqlite(db);
}

/**
 * Locks the selected rows until the transaction ends. SQLite has no row locks; its write lock
 * already serialises writers, so there the query is left as it is.
 */
export function lockRowsForUpdate<Q extends Knex.QueryBuilder>(db: Knex | Knex.Transaction, q: Q): Q {
  if (!isSqlite(db as Knex)) q.forUpdate();
  return q;
}

/** The database's clock in epoch milliseconds: one clock for gateways on several hosts. */
export async function databaseNowMs(db: Knex): Promise<number> {
  if (isSqlite(db)) {
    const rows = (await db.raw(`select cast((julianday('now') - 2440587.5) * 86400000 as integer) as now`)) as Array<{ now: number }>;
    return Number(rows[0].now);
  }
  const [rows] = (await db.raw('select cast(unix_timestamp(now(3)) * 1000 as unsigned) as now')) as [Array<{ now: number | string }>];
  return Number(rows[0].now);
}

/**
 * The database's clock minus `seconds`, as text at the precision it stores update times with
 * (MySQL DATETIME(6): microseconds; SQLite: milliseconds).
 */
export async function databaseClockText(db: Knex, secondsBack: number): Promise<string> {
  if (!isSqlite(db)) {
    const [rows] = (await db.raw(`select date_format(now(6) - interval ? second, '%Y-%m-%d %H:%i:%s.%f') as t`, [secondsBack])) as [Array<{ t: string }>];
    return rows[0].t;
  }
  const rows = (await db.raw(`select strftime('%Y-%m-%d %H:%M:%f', 'now', ?) as t`, [`-${secondsBack} seconds`])) as Array<{ t: string }>;
  return rows[0].t;
}

/** An SQL expression for "now" as DATETIME(6) text; SQLite only has milliseconds, padded. */
export function nowMicrosTextSql(db: Knex): string {
  return isSqlite(db) ? `strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'` : 'now(6)';
}

/** A column holding an update time with microseconds: DATETIME(6) on MySQL, ISO-like text on SQLite. */
export function microsTimeColumn(db: Knex, t: Knex.CreateTableBuilder, name: string): Knex.ColumnBuilder {
  return isSqlite(db) ? t.string(name, 26) : t.specificType(name, 'DATETIME(6)');
}

/**
 * Adds `delta` to the counter row `key` (creating it) and answers the new total, atomically
 * against other writers of the same row.
 */
export async function addToCounter(
  db: Knex,
  c: { table: string; keyColumn: string; countColumn: string; key: string; delta: number; extra?: Record<string, Knex.Value> },
): Promise<number> {
  const extra = Object.entries(c.extra ?? {});
  const cols = [c.keyColumn, c.countColumn, ...extra.map(([k]) => k)].map((n) => `\`${n}\``).join(', ');
  const marks = extra.map(() => ', ?').join('');
  const values = [c.key, c.delta, ...extra.map(([, v]) => v)];
  const n = `\`${c.countColumn}\``;
  if (isSqlite(db)) {
    const rows = (await db.raw(
      `insert into \`${c.table}\` (${cols}) values (?, ?${marks}) on conflict(\`${c.keyColumn}\`) do update set ${n} = ${n} + excluded.${n} returning ${n} as total`,
      values,
    )) as Array<{ total: number }>;
    return Number(rows[0].total);
  }
  return db.transaction(async (trx) => {
    await trx.raw(`insert into \`${c.table}\` (${cols}) values (?, ?${marks}) on duplicate key update ${n} = ${n} + values(${n})`, values);
    const row = (await trx(c.table).where(c.keyColumn, c.key).first(c.countColumn)) as Record<string, number>;
    return Number(row[c.countColumn]);
  });
}

/** 信息项 data types (编制指南) that are stored as text of at most their length. */
const TEXT_DEFAULT_LENGTH: Readonly<Record<string, number>> = { C: 255, D: 8, T: 14, I: 1024, F: 1024 };
/** Longer text goes into an unbounded text column (a MySQL row holds at most 64 KB of VARCHAR). */
const MAX_VARCHAR = 2000;

/** How a library column of one 信息项 is stored: the one mapping of data_type/length to SQL types. */
export type ItemStorage = { kind: 'string'; length: number } | { kind: 'text' } | { kind: 'integer' } | { kind: 'decimal'; precision: number } | { kind: 'boolean' };

export function itemStorage(dataType: string, length?: number): ItemStorage {
  switch (dataType) {
    case 'Y':
      return { kind: 'integer' }; // money in whole 元: no floats
    case 'N':
      return { kind: 'decimal', precision: Math.min(length ?? 20, 38) };
    case 'L':
      return { kind: 'boolean' };
    case 'M':
    case 'G':
    case 'B':
      return { kind: 'text' };
    default: {
      const n = length ?? TEXT_DEFAULT_LENGTH[dataType] ?? 255;
      return n > MAX_VARCHAR ? { kind: 'text' } : { kind: 'string', length: n };
    }
  }
}

/** Digits after the point of a 数值 (N) column. */
export const DECIMAL_SCALE = 4;

/** Declares the column of one 信息项 in a create/alter table builder. */
export function itemColumn(t: Knex.CreateTableBuilder | Knex.AlterTableBuilder, name: string, s: ItemStorage): Knex.ColumnBuilder {
  switch (s.kind) {
    case 'integer':
      return t.bigInteger(name);
    case 'decimal':
      return t.decimal(name, s.precision, Math.min(DECIMAL_SCALE, s.precision - 1));
    case 'boolean':
      return t.boolean(name);
    case 'text':
      return t.text(name);
    case 'string':
      return t.string(name, s.length);
  }
}

/**
 * Lengthens a text column to `length`. SQLite does not enforce VARCHAR lengths (and knex would
 * rebuild the table to alter one), so there nothing is done; the sync checks the length.
 */
export async function widenStringColumn(db: Knex, table: string, column: string, s: ItemStorage, notNull: boolean): Promise<void> {
  if (isSqlite(db)) return;
  await db.schema.alterTable(table, (t) => {
    const col = itemColumn(t, column, s);
    (notNull ? col.notNullable() : col.nullable()).alter();
  });
}

/** What the database says a column is, in ItemStorage terms ('other' for a type no item maps to). */
export interface StoredColumn {
  kind: ItemStorage['kind'] | 'other';
  /** of a 'string' column; the two databases do not report a decimal's precision alike, so none is kept */
  length?: number;
}

const STORED_KINDS: Readonly<Record<string, ItemStorage['kind']>> = {
  varchar: 'string', 'character varying': 'string',
  text: 'text', mediumtext: 'text', longtext: 'text',
  bigint: 'integer', integer: 'integer',
  decimal: 'decimal', float: 'decimal', // SQLite declares a knex decimal as float
  boolean: 'boolean', tinyint: 'boolean', // MySQL's boolean is tinyint(1)
};

/** The existing columns of a table, by name, as the database describes them (one query). */
export async function storedColumns(db: Knex, table: string): Promise<Map<string, StoredColumn>> {
  const info = (await db(table).columnInfo()) as unknown as Record<string, Knex.ColumnInfo>;
  return new Map(Object.entries(info).map(([name, c]) => {
    const kind = STORED_KINDS[c.type.toLowerCase()] ?? 'other';
    return [name, kind === 'string' ? { kind, length: Number(c.maxLength) } : { kind }];
  }));
}
