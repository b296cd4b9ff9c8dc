/**
 * The access version: a counter every change that can alter an access decision raises, in
 * the same transaction as the change — consumers (registered, disabled, enabled), resource
 * rows (a version drafted, edited, published, superseded, retired), the interfaces naming a
 * method's resource, grants (created, revoked), and 事项 (registered, re-imported: a caller may
 * name one of its department's as a lookup's purpose). Lookups read it per call (catalog/access.ts):
 * while it stands, a decision already taken in this process still holds, on any replica,
 * because every writer on the shared database raises it.
 *
 * A change made with plain SQL outside these functions must raise it too
 * (`update access_version set version = version + 1`), or processes keep their decisions
 * until an entry's age limit (catalog/access.ts).
 */
import type { Knex } from 'knex';
import type { Db } from '../core/db';

/** The one statement that reads the version (portable SQL, see core/dialect selectRows). */
export const ACCESS_VERSION_SQL = 'select `version` from `access_version` where `id` = 1';

async function raise(trx: Knex): Promise<void> {
  // Stryker disable next-line ObjectLiteral: the table holds the one row
  await trx('access_version').where({ id: 1 }).increment('version', 1);
}

/**
 * Runs a change of consumers, resources, interfaces or grants and raises the version in the
 * same transaction: a new one, or within the caller's when `db` is one (knex nests it as a savepoint).
 */
export async function changingAccess<T>(db: Db | Knex, change: (trx: Knex) => Promise<T>): Promise<T> {
  return db.transaction(async (trx) => {
    const out = await change(trx);
    await raise(trx);
    return out;
  });
}
