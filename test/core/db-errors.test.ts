/**
 * The driver-error translator against errors the real drivers raise: each case provokes the
 * failure on SQLite or MariaDB and checks the kind, the retry decision and that the Chinese
 * description quotes nothing of the statement, the data or the connection.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Knex } from 'knex';
import { openKnex } from '../../core/db';
import { dbErrorKind, describeDbError, isConnectionLost, isRetryable, isUniqueViolation, isUnreachable } from '../../core/db-errors';
import { freshDatabase, tempDir, TestDatabase } from '../support/databases';

async function caught(p: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

function expectClean(description: string | null, ...secrets: string[]): void {
  expect(description).toMatch(/[\u4e00-\u9fa5]/);
  expect(description).not.toMatch(/select|insert|SQLITE_|ER_|127\.0\.0\.1|\n\s+at /i);
  for (const s of secrets) expect(description).not.toContain(s);
}

async function withTable(db: Knex): Promise<void> {
  await db.schema.createTable('t_err', (t) => {
    t.string('k', 8).primary();
    t.string('v', 4).notNullable();
    t.string('u', 8).unique();
  });
}

describe('core/db-errors on SQLite', () => {
  let dir: string;
  let db: Knex;
  beforeAll(async () => {
    dir = tempDir();
    db = openKnex({ client: 'sqlite', sqliteFile: path.join(dir, 'e.db') });
    await withTable(db);
    await db('t_err').insert({ k: 'a', v: 'x', u: 'secret-1' });
  });
  afterAll(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a duplicate primary key and a duplicate unique column are unique violations, not retryable', async () => {
    for (const row of [{ k: 'a', v: 'y' }, { k: 'b', v: 'y', u: 'secret-1' }]) {
      const err = await caught(db('t_err').insert(row));
      expect(isUniqueViolation(err)).toBe(true);
      expect(isRetryable(err)).toBe(false);
      expectClean(describeDbError(err), 'secret-1');
    }
  });

  test('a missing required value and a missing table', async () => {
    expect(dbErrorKind(await caught(db('t_err').insert({ k: 'c', v: null })))).toBe('not-null');
    const missing = await caught(db('no_such').select('*'));
    expect(dbErrorKind(missing)).toBe('no-such-table');
    expect(dbErrorKind(await caught(db('t_err').select('nope')))).toBe('no-such-column');
    expect(isUniqueViolation(missing)).toBe(false);
  });

  test('a write while another connection holds the write lock is SQLITE_BUSY: retryable', async () => {
    const file = path.join(dir, 'busy.db');
    const holder = new Database(file);
    holder.exec('create table x (a integer)');
    const other = new Database(file, { timeout: 0 });
    holder.exec('begin immediate');
    try {
      const err = await caught(() => other.exec('insert into x values (1)'));
      expect(dbErrorKind(err)).toBe('busy');
      expect(isRetryable(err)).toBe(true);
      expect(isUnreachable(err)).toBe(true);
      expectClean(describeDbError(err));
    } finally {
      holder.exec('rollback');
      holder.close();
      other.close();
    }
  });

  test('a directory opened as the database is SQLITE_CANTOPEN; a file of junk is not a database', async () => {
    const err = await caught(() => new Database(dir));
    expect(dbErrorKind(err)).toBe('cannot-open');
    expect(isUnreachable(err)).toBe(true);
    expectClean(describeDbError(err), dir);
    const junk = path.join(dir, 'junk.db');
    fs.writeFileSync(junk, 'x'.repeat(512));
    const notDb = await caught(() => new Database(junk).exec('select * from sqlite_master'));
    expect(dbErrorKind(notDb)).toBe('not-a-database');
  });

  test('anything that is not a driver error has no kind and no description', () => {
    expect(dbErrorKind(new Error('boom'))).toBeNull();
    expect(describeDbError(undefined)).toBeNull();
    expect(isRetryable({ code: 'SQLITE_ERROR', message: 'something else' })).toBe(false);
  });
});

const MYSQL_URL = process.env.MYSQL_URL;
const onMysql = MYSQL_URL ? describe : describe.skip;

function urlWith(url: string, change: (u: URL) => void): string {
  const u = new URL(url);
  change(u);
  return u.toString();
}

onMysql('core/db-errors on MariaDB', () => {
  let database: TestDatabase;
  let db: Knex;
  beforeAll(async () => {
    database = await freshDatabase('mysql', { migrate: false });
    db = database.db;
    await withTable(db);
    await db('t_err').insert({ k: 'a', v: 'x', u: 'secret-1' });
  });
  afterAll(async () => database.drop());

  async function connectError(url: string): Promise<unknown> {
    const other = openKnex({ client: 'mysql', url, poolMax: 1 });
    try {
      return await caught(other.raw('select 1'));
    } finally {
      await other.destroy();
    }
  }

  test('ER_DUP_ENTRY, ER_BAD_NULL_ERROR, ER_NO_SUCH_TABLE', async () => {
    const dup = await caught(db('t_err').insert({ k: 'b', v: 'y', u: 'secret-1' }));
    expect(isUniqueViolation(dup)).toBe(true);
    expectClean(describeDbError(dup), 'secret-1');
    expect(dbErrorKind(await caught(db('t_err').insert({ k: 'c', v: null })))).toBe('not-null');
    expect(dbErrorKind(await caught(db('no_such').select('*')))).toBe('no-such-table');
    expect(dbErrorKind(await caught(db('t_err').select('nope')))).toBe('no-such-column');
  });

  test('a wrong password, an unknown database and a database the user may not use', async () => {
    const badPassword = await connectError(urlWith(MYSQL_URL!, (u) => { u.password = 'wrong-password'; }));
    expect(dbErrorKind(badPassword)).toBe('access-denied');
    expectClean(describeDbError(badPassword), 'wrong-password', 'dprs_ci');
    expect(isUnreachable(badPassword)).toBe(true);
    const unknown = await connectError(urlWith(MYSQL_URL!, (u) => { u.pathname = '/dprs_no_such_db'; }));
    expect(dbErrorKind(unknown)).toBe('unknown-database');
    expectClean(describeDbError(unknown), 'dprs_no_such_db');
    const denied = await connectError(urlWith(MYSQL_URL!, (u) => { u.pathname = '/mysql'; }));
    expect(dbErrorKind(denied)).toBe('database-access-denied');
  });

  test('nothing listening is ECONNREFUSED; a server that never answers is a timeout', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = await connectError(urlWith(MYSQL_URL!, (u) => { u.host = `127.0.0.1:${port}`; }));
    expect(dbErrorKind(refused)).toBe('refused');
    expectClean(describeDbError(refused), String(port));

    const silent = net.createServer(() => undefined); // accepts, never sends the handshake
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const mysql = await import('mysql2/promise');
    try {
      const err = await caught(mysql.createConnection({ host: '127.0.0.1', port: (silent.address() as net.AddressInfo).port, user: 'x', connectTimeout: 300 }));
      expect(dbErrorKind(err)).toBe('timeout');
      expect(isUnreachable(err)).toBe(true);
    } finally {
      await new Promise((r) => silent.close(r));
    }
  });

  test('lock wait timeout and deadlock are retryable', async () => {
    await db('t_err').insert({ k: 'd', v: 'x' });
    const a = await db.transaction();
    const b = await db.transaction();
    try {
      await b.raw('set innodb_lock_wait_timeout = 1');
      await a('t_err').where({ k: 'a' }).update({ v: 'a1' });
      const wait = await caught(b('t_err').where({ k: 'a' }).update({ v: 'b1' }));
      expect(dbErrorKind(wait)).toBe('lock-wait');
      expect(isRetryable(wait)).toBe(true);
      expectClean(describeDbError(wait));
      // crossing locks: b holds d and waits for a; a then asks for d
      await b('t_err').where({ k: 'd' }).update({ v: 'b2' });
      const bWaits = b('t_err').where({ k: 'a' }).update({ v: 'b3' }).then(() => null, (e: unknown) => e);
      await new Promise((r) => setTimeout(r, 200));
      const aAsks = await a('t_err').where({ k: 'd' }).update({ v: 'a2' }).then(() => null, (e: unknown) => e);
      const victim = aAsks ?? (await bWaits);
      expect(dbErrorKind(victim)).toBe('deadlock');
      expect(isRetryable(victim)).toBe(true);
    } finally {
      await a.rollback().catch(() => undefined);
      await b.rollback().catch(() => undefined);
    }
  });

  test('a connection killed mid-session is a lost connection', async () => {
    const mysql = await import('mysql2/promise');
    const u = new URL(MYSQL_URL!);
    const conn = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) });
    conn.on('error', () => undefined);
    const [[{ id }]] = (await conn.query('select connection_id() as id')) as unknown as [[{ id: number }]];
    await db.raw('kill ?', [id]);
    const err = await caught(conn.query('select 1'));
    expect(isConnectionLost(err)).toBe(true);
    expect(isRetryable(err)).toBe(false);
    // the socket is gone by now: a further command fails at once, without a code
    const after = await caught(conn.query('select 1'));
    expect(isConnectionLost(after)).toBe(true);
    await conn.end().catch(() => undefined);
  });
});
