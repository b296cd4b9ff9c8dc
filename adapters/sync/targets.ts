/**
 * The base libraries a job can fill, as the sync sees them (from core/registry.ts): primary
 * key and business columns with their stored lengths, so a too-long value is rejected instead
 * of truncated or failing a batch.
 */
import { columnOf, LIBRARIES, LibraryItem, LibraryName } from '../../core/registry';

export type TargetName = LibraryName;

export interface TargetColumn {
  name: string;
  /** max length for text columns; 'int' for integers */
  kind: number | 'int' | 'text';
  required?: boolean;
}

export interface TargetLibrary {
  table: TargetName;
  pk: string;
  /** unique columns besides the key: MySQL's upsert would merge into the row holding the
   * value (ON DUPLICATE KEY fires for any unique index), so they are checked before writing */
  unique: string[];
  columns: TargetColumn[];
}

function columnOfItem(i: LibraryItem): TargetColumn {
  const kind = i.data_type === 'Y' ? 'int' : i.data_type === 'M' || i.length === undefined ? 'text' : i.length;
  return { name: columnOf(i), kind, required: i.required };
}

export const TARGETS = Object.fromEntries(
  Object.values(LIBRARIES).map((lib): [TargetName, TargetLibrary] => [
    lib.name,
    { table: lib.name, pk: lib.key, unique: lib.unique, columns: lib.items.map(columnOfItem) },
  ]),
) as Record<TargetName, TargetLibrary>;

export function targetColumnNames(t: TargetName): string[] {
  return TARGETS[t].columns.map((col) => col.name);
}
