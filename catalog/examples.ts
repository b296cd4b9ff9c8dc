/**
 * Example records for interface documents, read from the base libraries. This is the only
 * catalogue module that reads those tables, and only one row at a time.
 */
import type { Db } from '../core/db';

const SOURCES: Record<string, { table: string; key: string }> = {
  getRKZP: { table: 'population', key: 'rybh' },
  getRKHY: { table: 'population', key: 'rybh' },
  batchRKHY: { table: 'population', key: 'rybh' },
  getFRXX: { table: 'legal_entity', key: 'tyshxydm' },
  getDZZZ: { table: 'licence', key: 'zzbh' },
  getDZZZHY: { table: 'licence', key: 'zzbh' },
};

/**
 * The first live record behind a method, with its columns upper-cased to the interface's
 * field names, or null when the library is empty or the method has no base table.
 */
export async function sampleRecord(db: Db, method: string, fields: string[]): Promise<Record<string, unknown> | null> {
  const src = SOURCES[method];
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

export function hasBaseTable(method: string): boolean {
  return method in SOURCES;
}
