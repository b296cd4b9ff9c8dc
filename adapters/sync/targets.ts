/**
 * The three base libraries a job can fill: primary key and business columns (with their
 * stored lengths, so a too-long value is rejected instead of truncated or failing a batch).
 */
export type TargetName = 'population' | 'legal_entity' | 'licence';

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

const c = (name: string, kind: TargetColumn['kind'], required = false): TargetColumn => ({ name, kind, required });

export const TARGETS: Record<TargetName, TargetLibrary> = {
  population: {
    table: 'population',
    pk: 'rybh',
    unique: ['gmsfzh'],
    columns: [
      c('rybh', 32, true), c('gmsfzh', 18, true), c('xm', 64, true), c('csrq', 8), c('mz', 2), c('xb', 1),
      c('jg', 128), c('csd', 256), c('hjd', 256), c('hyzk', 2),
    ],
  },
  legal_entity: {
    table: 'legal_entity',
    pk: 'tyshxydm',
    unique: [],
    columns: [
      c('tyshxydm', 18, true), c('jgmc', 256, true), c('jglx', 64), c('fddbr', 64), c('zczb', 'int'), c('clrq', 8),
      c('djjg', 128), c('zs', 256), c('jyfw', 'text'), c('djzt', 16),
    ],
  },
  licence: {
    table: 'licence',
    pk: 'zzbh',
    unique: [],
    columns: [
      c('zzbh', 64, true), c('zzmc', 128, true), c('zzlxdm', 16, true), c('czzt', 256, true), c('czztdm', 18, true),
      c('czztdmlx', 16, true), c('zzbfjg', 128), c('zzbfrq', 8), c('zzyxqqsrq', 8), c('zzyxqjzrq', 8), c('zzzt', 8, true),
      c('sxmc', 256),
    ],
  },
};

export function targetColumnNames(t: TargetName): string[] {
  return TARGETS[t].columns.map((col) => col.name);
}
