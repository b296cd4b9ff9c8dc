/**
 * Storage targets for tests: SQLite always, MariaDB when MYSQL_URL is set. Each fresh
 * database is private to one test file (a temp SQLite file, or a new MariaDB schema named
 * dprs_t_*), so suites can run in parallel.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Db, openKnex } from '../../core/db';
import { migrate } from '../../scripts/app/migrations';

export type Target = 'sqlite' | 'mysql';

export const STORAGE_TARGETS: Target[] = process.env.MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite'];

export interface TestDatabase {
  target: Target;
  db: Db;
  /** mysql URL or sqlite file of this database, for child processes */
  url: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

export async function freshDatabase(target: Target, opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `dprs_t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  let db: Db;
  let url: string;
  let drop: () => Promise<void>;
  if (target === 'mysql') {
    const admin = openKnex({ client: 'mysql', url: process.env.MYSQL_URL!, poolMax: 1 });
    await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    await admin.destroy();
    url = withDatabase(process.env.MYSQL_URL!, name);
    db = openKnex({ client: 'mysql', url });
    drop = async () => {
      await db.destroy();
      const a = openKnex({ client: 'mysql', url: process.env.MYSQL_URL!, poolMax: 1 });
      await a.raw(`DROP DATABASE IF EXISTS \`${name}\``);
      await a.destroy();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dprs-test-'));
    url = path.join(dir, 'gateway.db');
    db = openKnex({ client: 'sqlite', sqliteFile: url });
    drop = async () => {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  if (opts.migrate !== false) await migrate(db);
  return { target, db, url, drop };
}

export function tempDir(prefix = 'dprs-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
