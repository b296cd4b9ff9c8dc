/**
 * The one place that opens the gateway database. Everything else receives the Knex instance
 * (or a transaction) from here; nothing else constructs a connection to the gateway store.
 */
import knexFactory from 'knex';
import type { Config } from './config';
import { Db, knexConfig, OpenOptions } from './dialect';
import { isMigrationRaceLost } from './db-errors';
import { narrowIfOthersCanRead } from './files';
import { migrationSource } from '../gateway/store/migrations';

export type { Db, OpenOptions };

export function openKnex(opts: OpenOptions): Db {
  return knexFactory(knexConfig(opts));
}

export function openDatabase(config: Config): Db {
  if (config.db.client === 'sqlite') for (const f of ['', '-wal', '-shm']) narrowIfOthersCanRead(config.db.sqliteFile + f);
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
      if (!isMigrationRaceLost(err) || Date.now() > deadline) throw err;
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
