/**
 * The library a job fills, as the sync sees it: read from the catalogue (catalog/libraries.ts)
 * — a base library or any published resource's — with its key, unique and required columns
 * and how each column's values are checked, so a too-long value is rejected instead of
 * truncated or failing a batch.
 */
import type { Knex } from 'knex';
import { itemStorage } from '../../core/dialect';
import { libraryOfResource, libraryOfTable, ResourceLibrary } from '../../catalog/libraries';

/** A job names its library by table (population, lib_301010_00001) or as resource:<资源代码>. */
export const RESOURCE_TARGET_PREFIX = 'resource:';

export interface TargetColumn {
  name: string;
  /** the item's name (信息项名称), for reasons people read */
  label: string;
  /** max length for text columns; 'int' for integers; decimal digits; a boolean; unbounded text */
  kind: number | 'int' | 'text' | 'bool' | { digits: number };
  /** 日期 items stored as YYYYMMDD */
  date?: boolean;
  required?: boolean;
}

export interface TargetLibrary {
  table: string;
  resourceCode: string;
  pk: string;
  /** unique columns besides the key: MySQL's upsert would merge into the row holding the
   * value (ON DUPLICATE KEY fires for any unique index), so they are checked before writing */
  unique: string[];
  /** every column, hidden items included: a job may go on filling an item a revision hid */
  columns: TargetColumn[];
}

function kindOf(c: ResourceLibrary['columns'][number]): TargetColumn['kind'] {
  const s = itemStorage(c.data_type, c.length);
  if (s.kind === 'integer') return 'int';
  if (s.kind === 'decimal') return { digits: s.precision };
  if (s.kind === 'boolean') return 'bool';
  if (s.kind === 'text') return 'text';
  return s.length;
}

/** The sync's view of a catalogue library. */
export function targetOf(lib: ResourceLibrary): TargetLibrary {
  const key = lib.key.map((f) => f.toLowerCase());
  const required = new Set([...lib.key, ...lib.required]);
  return {
    table: lib.table,
    resourceCode: lib.resourceCode,
    pk: key[0],
    unique: lib.unique.map((f) => f.toLowerCase()),
    columns: lib.columns.map((c) => ({
      name: c.column,
      label: c.name,
      kind: kindOf(c),
      ...(c.data_type === 'D' && c.length === 8 ? { date: true } : {}),
      required: required.has(c.field),
    })),
  };
}

/** The library a job's `target` names, or null when there is none (not published, or not shared by 接口 / 库表). */
export async function resolveTarget(db: Knex, target: string): Promise<TargetLibrary | null> {
  const lib = target.startsWith(RESOURCE_TARGET_PREFIX)
    ? await libraryOfResource(db, target.slice(RESOURCE_TARGET_PREFIX.length))
    : await libraryOfTable(db, target);
  return lib ? targetOf(lib) : null;
}

export function targetColumnNames(t: TargetLibrary): string[] {
  return t.columns.map((col) => col.name);
}
