/**
 * The application's migrations: each feature's own list, assembled here (outside the kernel)
 * and applied in name order.
 *
 * Numbering. Names are recorded in every existing database, so they never change. Each line
 * of work took its own block of numbers so that branches developed side by side could not
 * pick the same name: 001–018 the foundation (base libraries, catalogue, sync, audit log),
 * 13x the 事项 (matters), 3xx the catalogue's search index, 4xx the audit chain and the shared
 * rate limiter, 5xx the sync's second round (live-only uniqueness, run bookkeeping), 6xx
 * verification (多元校核), 7xx the workbench's accounts and sessions, 8xx the libraries
 * of catalogue resources (有目录必有数据), 85x their follow-ups in whichever feature needs one. Hence
 * 301 sorts (and on a fresh database runs) before 401 although it was written later; on a
 * database that already had 401, the pending 301 simply runs next. No migration depends on
 * one of another block, save a later block's change to an earlier block's table (850 widens
 * 601/602's item), which sorts after it on every database. A new migration takes the next
 * number of its feature's block (or opens a new block) and goes into that feature's
 * migrations/index.ts.
 */
import { Db, migrateLatest, migrateRollbackAll, Migrations, migrationSourceOf } from '../../core/db';
import { GATEWAY_MIGRATIONS } from '../../gateway/migrations';
import { CATALOG_MIGRATIONS } from '../../catalog/migrations';
import { SYNC_MIGRATIONS } from '../../adapters/sync/migrations';
import { MATTER_MIGRATIONS } from '../../catalog/matters/migrations';
import { VERIFICATION_MIGRATIONS } from '../../adapters/verification/migrations';
import { ACCOUNT_MIGRATIONS } from '../../gateway/accounts/migrations';

function assemble(...lists: Migrations[]): Migrations {
  const all: Record<string, Migrations[string]> = {};
  for (const list of lists) {
    for (const [name, m] of Object.entries(list)) {
      if (all[name]) throw new Error(`two migrations named ${name}`);
      all[name] = m;
    }
  }
  return all;
}

export const MIGRATIONS: Migrations = assemble(GATEWAY_MIGRATIONS, CATALOG_MIGRATIONS, SYNC_MIGRATIONS, MATTER_MIGRATIONS, VERIFICATION_MIGRATIONS, ACCOUNT_MIGRATIONS);

/** The whole list as knex reads it (tests step migrations down and up with it). */
export const migrationSource = migrationSourceOf(MIGRATIONS);

/** Applies the pending migrations; answers their names. */
export function migrate(db: Db, waitMs?: number): Promise<string[]> {
  return migrateLatest(db, MIGRATIONS, waitMs);
}

export function rollbackAll(db: Db): Promise<void> {
  return migrateRollbackAll(db, MIGRATIONS);
}
