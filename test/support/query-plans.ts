/**
 * How the database would read a select: for tests that a statement finds its rows by an index
 * instead of scanning a table that grows (the audit log) — a cost no small test data shows.
 */
import type { Db } from '../../core/db';
import type { Target } from './databases';

/** SQLite's plan lines that scan a table, MariaDB's EXPLAIN rows of type ALL (whole table) or index (whole index). */
export async function fullScans(db: Db, target: Target, sql: string, bindings: readonly unknown[]): Promise<string[]> {
  if (target === 'sqlite') {
    const rows = (await db.raw(`explain query plan ${sql}`, bindings as never[])) as Array<{ detail: string }>;
    return rows.map((r) => r.detail).filter((d) => /^SCAN (?!CONSTANT ROW)/.test(d));
  }
  const [rows] = (await db.raw(`explain ${sql}`, bindings as never[])) as [Array<{ table: string | null; type: string | null }>];
  return rows.filter((r) => r.type === 'ALL' || r.type === 'index').map((r) => `${r.type} ${r.table}`);
}

/** Whether the database sorts the rows it found for an ORDER BY (SQLite's temporary B-tree, MariaDB's filesort) instead of reading them in an index's order. */
export async function sortsRows(db: Db, target: Target, sql: string, bindings: readonly unknown[]): Promise<boolean> {
  if (target === 'sqlite') {
    const rows = (await db.raw(`explain query plan ${sql}`, bindings as never[])) as Array<{ detail: string }>;
    return rows.some((r) => r.detail.startsWith('USE TEMP B-TREE FOR ORDER BY'));
  }
  const [rows] = (await db.raw(`explain ${sql}`, bindings as never[])) as [Array<{ Extra: string | null }>];
  return rows.some((r) => (r.Extra ?? '').includes('filesort'));
}

/** The selects `work` sends through knex, with their bindings. */
export async function selectsOf(db: Db, work: () => Promise<unknown>): Promise<Array<{ sql: string; bindings: readonly unknown[] }>> {
  const seen: Array<{ sql: string; bindings: readonly unknown[] }> = [];
  const record = (q: { sql: string; bindings?: unknown[] }) => void (/^select/i.test(q.sql) && seen.push({ sql: q.sql, bindings: q.bindings ?? [] }));
  db.on('query', record);
  try {
    await work();
  } finally {
    db.off('query', record);
  }
  return seen;
}
