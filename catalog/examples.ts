/**
 * Example records for interface documents, read from the base libraries. This is the only
 * catalogue module that reads those tables, and only one row at a time.
 */
import type { Db } from '../core/db';
import { LIBRARIES, lookupSpec } from '../core/registry';

/** The base library behind a lookup method, if it is one. */
function sourceOf(method: string): { table: string; key: string } | null {
  const spec = lookupSpec(method);
  return spec ? { table: spec.library, key: LIBRARIES[spec.library].key } : null;
}

/**
 * The first live record behind a method, with its columns upper-cased to the interface's
 * field names, or null when the library is empty or the method has no base table.
 */
export async function sampleRecord(db: Db, method: string, fields: string[]): Promise<Record<string, unknown> | null> {
  const src = sourceOf(method);
  if (!src) return null;
  const cols = fields.map((f) => f.toLowerCase());
  let row: Record<string, unknown> | undefined;
  try {
    row = (await db(src.table).where({ deleted: false }).orderBy(src.key).first(...cols)) as Record<string, unknown> | undefined;
  } catch {
    return null; // a column the library does not have: the document falls back to descriptions
  }
  if (!row) return null;
  return Object.fromEntries(fields.map((f) => [f, row![f.toLowerCase()] ?? null]));
}
