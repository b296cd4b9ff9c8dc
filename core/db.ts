/**
 * The one place that opens the gateway database. Everything else receives the Knex instance
 * (or a transaction) from here; nothing else constructs a connection to the gateway store.
 */
import knexFactory from 'knex';
import type { Config } from './config';
import { Db, knexConfig, OpenOptions } from './dialect';
import { isMigrationRaceLost } from './db-errors';
import type { Knex } from 'knex';
import { narrowIfOthersCanRead } from './files';

export type { Db, OpenOptions };

export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Migrations by name. The features own theirs; the application assembles the whole list and
 * hands it in, so the kernel imports no feature. Modules are imported statically so they run
 * from the TypeScript sources and from the compiled dist alike. One table (or one DDL change)
 * per migration: MySQL cannot roll back DDL, so a failed step must leave nothing half-applied.
 */
export type Migrations = Readonly<Record<string, Migration>>;

/** knex applies pending migrations in the order of their names. */
export function migrationSourceOf(migrations: Migrations): Knex.MigrationSource<string> {
  return {
    async getMigrations() {
      return Object.keys(migrations).sort();
    },
    getMigrationName(name) {
      return name;
    },
    async getMigration(name) {
      return migrations[name];
    },
  };
}

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
export async function migrateLatest(db: Db, migrations: Migrations, waitMs = 60000): Promise<string[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const [, applied] = (await db.migrate.latest({ migrationSource: migrationSourceOf(migrations) })) as [number, string[]];
      return applied;
    } catch (err) {
      if (!isMigrationRaceLost(err) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export async function migrateRollbackAll(db: Db, migrations: Migrations): Promise<void> {
  await db.migrate.rollback({ migrationSource: migrationSourceOf(migrations) }, true);
}

export async function isReachable(db: Db): Promise<boolean> {
  try {
    await db.raw('select 1 as ok');
    return true;
  } catch {
    return false;
  }
}
