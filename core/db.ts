/**
 * The one place that opens the gateway database. Everything else receives the Knex instance
 * (or a transaction) from here; nothing else constructs a connection to the gateway store.
 */
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import type { Config } from './config';
import { migrationSource } from '../gateway/store/migrations';

export type Db = Knex;

/** Turns mysql://user:pass@host:port/db?socket=/run/mysqld/mysqld.sock into mysql2 options. */
export function mysqlConnection(url: string): Knex.MySql2ConnectionConfig {
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

export interface OpenOptions {
  client: 'sqlite' | 'mysql';
  url?: string | null;
  sqliteFile?: string;
  poolMax?: number;
}

interface SqliteConnection {
  pragma(s: string): unknown;
  prepare(sql: string): unknown;
}

const STATEMENT_CACHE_MAX = 500;

/**
 * knex prints its own warnings (a failed connection attempt, with the driver's stack) on the
 * console; the same failure reaches the caller as an error, described there in Chinese.
 */
const QUIET_KNEX_LOG = { warn() {}, error() {}, deprecate() {}, debug() {} };

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

export function openKnex(opts: OpenOptions): Db {
  if (opts.client === 'mysql') {
    if (!opts.url) throw new Error('mysql needs a url');
    return knexFactory({
      client: 'mysql2',
      log: QUIET_KNEX_LOG,
      connection: mysqlConnection(opts.url),
      pool: { min: 0, max: opts.poolMax ?? 10 },
      acquireConnectionTimeout: 10000,
    });
  }
  const file = opts.sqliteFile ?? ':memory:';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  return knexFactory({
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
        conn.pragma('foreign_keys = ON');
        done(null, conn);
      },
    },
  });
}

export function openDatabase(config: Config): Db {
  return openKnex({ client: config.db.client, url: config.db.url, sqliteFile: config.db.sqliteFile });
}

/**
 * Applies pending migrations. Replicas starting together on one MySQL race to create knex's
 * bookkeeping tables and for its lock; the loser waits and tries again instead of failing its
 * start. (Several processes on one SQLite file are not a supported deployment.)
 */
export async function migrateLatest(db: Db, waitMs = 60000): Promise<string[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
      return applied;
    } catch (err) {
      const msg = String((err as Error)?.message);
      const lostRace = (err as Error)?.name === 'MigrationLocked' || /already locked|knex_migrations\S*` .*already exists|Table 'knex_migrations/i.test(msg);
      if (!lostRace || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export async function migrateRollbackAll(db: Db): Promise<void> {
  await db.migrate.rollback({ migrationSource }, true);
}

export async function isReachable(db: Db): Promise<boolean> {
  try {
    await db.raw('select 1 as ok');
    return true;
  } catch {
    return false;
  }
}

/**
 * Rows per multi-row insert. On SQLite knex writes a multi-row insert as a compound SELECT,
 * capped at 500 terms, and a statement takes at most 32,766 bound variables.
 */
export function batchRowsFor(db: Db, columns: number, wanted = 500): number {
  const cap = isSqlite(db) ? Math.min(500, Math.floor(32766 / Math.max(1, columns))) : 5000;
  return Math.max(1, Math.min(wanted, cap));
}

export function isSqlite(db: Db): boolean {
  return db.client.config.client === 'better-sqlite3';
}

/**
 * Runs a hand-written select (for the lookup hot path, where building the query with knex
 * cost more CPU than running it) and returns its rows on either database. The SQL must be
 * portable: backtick identifiers, `?` placeholders, 0/1 for booleans.
 */
export async function selectRows<T>(db: Db, sql: string, bindings: readonly Knex.Value[]): Promise<T[]> {
  const result = (await db.raw(sql, bindings)) as unknown;
  // better-sqlite3 answers the rows; mysql2 answers [rows, fields]
  if (isSqlite(db)) return result as T[];
  return (result as [T[], unknown])[0];
}
