/**
 * Row validation before anything is written: each mapped column's type, length and date form
 * (from the library's items), plus the base libraries' field rules — the national check
 * digits (GB 11643 公民身份号码, GB 32100 统一社会信用代码) and code lists. Returns a Chinese
 * reason naming the field, or null.
 */
import { checkCreditCode, checkIdNumber, isEthnicityCode, SEX_CODES } from '../../schemas/checksums';
import type { TargetColumn, TargetLibrary } from './targets';

export type TargetRow = Record<string, string | number | null>;

const YMD = /^\d{8}$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const BOOLEANS: Readonly<Record<string, boolean>> = { '1': true, '0': false, true: true, false: false };

function fieldRules(table: string, row: TargetRow): string | null {
  switch (table) {
    case 'population': {
      const id = 'gmsfzh' in row ? checkIdNumber(String(row.gmsfzh)) : null; // a job need not map every item
      if (id) return `gmsfzh: ${id}`;
      if (row.mz != null && row.mz !== '' && !isEthnicityCode(String(row.mz))) return `mz: 民族代码不符合 GB/T 3304`;
      if (row.xb != null && row.xb !== '' && !(String(row.xb) in SEX_CODES)) return `xb: 性别代码不符合 GB/T 2261.1`;
      return null;
    }
    case 'legal_entity': {
      const code = checkCreditCode(String(row.tyshxydm));
      if (code) return `tyshxydm: ${code}`;
      return null;
    }
    case 'licence': {
      if (!('czztdmlx' in row)) return null; // a job that does not map the holder has nothing more to check
      const type = String(row.czztdmlx);
      const holder = String(row.czztdm);
      if (type === '公民身份号码') {
        const r = checkIdNumber(holder);
        if (r) return `czztdm: ${r}`;
      } else if (type === '统一社会信用代码') {
        const r = checkCreditCode(holder);
        if (r) return `czztdm: ${r}`;
      } else {
        return `czztdmlx: 持证主体代码类型应为 公民身份号码 或 统一社会信用代码`;
      }
      return null;
    }
    default:
      return null;
  }
}

/** Why a (non-empty) value does not fit its column, or null. */
function columnReason(col: TargetColumn, v: string | number): string | null {
  const { kind } = col;
  if (kind === 'int') return Number.isSafeInteger(Number(v)) ? null : `${col.name}: 应为整数`;
  if (kind === 'bool') return String(v) in BOOLEANS ? null : `${col.name}: 应为 1/0 或 true/false`;
  if (typeof kind === 'object') {
    const s = String(v);
    return DECIMAL.test(s) && s.replace(/[-.]/g, '').length <= kind.digits ? null : `${col.name}: 应为不超过 ${kind.digits} 位的数值`;
  }
  if (typeof kind === 'number' && String(v).length > kind) return `${col.name}: 长度超过 ${kind}`;
  if (col.date && !YMD.test(String(v))) return `${col.name}: ${col.label}应为 YYYYMMDD`;
  return null;
}

/** A boolean column's value as stored. */
export function booleanOf(v: string | number): boolean {
  return BOOLEANS[String(v)];
}

export function validateRow(lib: TargetLibrary, row: TargetRow): string | null {
  for (const col of lib.columns) {
    if (!(col.name in row)) continue; // not mapped by this job: not its to check (nor to write)
    const v = row[col.name];
    if (v === null || v === undefined || v === '') {
      if (col.required) return `${col.name}: 不能为空`;
      continue;
    }
    const reason = columnReason(col, v);
    if (reason) return reason;
  }
  return fieldRules(lib.table, row);
}
