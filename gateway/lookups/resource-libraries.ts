/**
 * The repository of the resource libraries (one table per published resource, described by
 * catalog/libraries.ts): finds the live rows whose items equal the given values. Table and
 * column names come from the catalogue's library description only, never from the request,
 * and are checked to be plain identifiers before they reach SQL; values are bound parameters.
 */
import type { Db } from '../../core/db';
import type { LibraryColumn, ResourceLibrary } from '../../catalog/libraries';
import { columnOf } from '../../core/registry';
import { exactly, MAX_ROWS } from './repository';

const IDENTIFIER = /^[a-z][a-z0-9_]{0,63}$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error('library identifier is not a plain name');
  return name;
}

/** Numeric items come back from either driver as numbers (mysql2 may give DECIMAL / BIGINT as text). */
const NUMERIC = new Set(['N', 'Y', 'I', 'F']);

function valueOf(c: LibraryColumn, v: unknown): unknown {
  if (NUMERIC.has(c.data_type) && typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return v ?? null;
}

/** The columns an answer holds: the library's items that are not hidden (a removed item keeps its data, unanswered). */
export function answerColumns(lib: ResourceLibrary): LibraryColumn[] {
  return lib.columns.filter((c) => !c.hidden);
}

/**
 * Live rows where each given item (field → value) equals its value exactly, as records of the
 * answer columns in catalogue order, at most MAX_ROWS, ordered by the library's key.
 */
export async function findByItems(db: Db, lib: ResourceLibrary, match: ReadonlyMap<string, string>): Promise<Record<string, unknown>[]> {
  const byField = new Map(lib.columns.map((c) => [c.field, c]));
  const where: Record<string, string> = {};
  for (const [field, value] of match) {
    const c = byField.get(field);
    // a removed item is neither answered nor declarable; its equality could not be confirmed below
    if (!c || c.hidden) throw new Error('query item is not an answered column of the library');
    where[identifier(c.column)] = value;
  }
  const cols = answerColumns(lib);
  const q = db(identifier(lib.table))
    .select(cols.map((c) => identifier(c.column)))
    .where(where)
    .andWhere('deleted', false)
    .limit(MAX_ROWS);
  for (const field of lib.key) q.orderBy(identifier(columnOf({ field })));
  const rows = (await q) as Record<string, unknown>[];
  // under a case-blind collation the query only narrows: equality decides
  return exactly(rows, where).map((row) => Object.fromEntries(cols.map((c) => [c.field, valueOf(c, row[c.column])])));
}
