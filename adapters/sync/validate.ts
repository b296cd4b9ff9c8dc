/**
 * Row validation before anything is written: the field rules of the target library plus the
 * national check digits (GB 11643 公民身份号码, GB 32100 统一社会信用代码). Returns a Chinese
 * reason naming the field, or null.
 */
import { checkCreditCode, checkIdNumber, isEthnicityCode, SEX_CODES } from '../../schemas/checksums';
import { TARGETS, TargetName } from './targets';

export type TargetRow = Record<string, string | number | null>;

const YMD = /^\d{8}$/;

function fieldRules(target: TargetName, row: TargetRow): string | null {
  switch (target) {
    case 'population': {
      const id = 'gmsfzh' in row ? checkIdNumber(String(row.gmsfzh)) : null; // a job need not map every item
      if (id) return `gmsfzh: ${id}`;
      if (row.mz != null && row.mz !== '' && !isEthnicityCode(String(row.mz))) return `mz: 民族代码不符合 GB/T 3304`;
      if (row.xb != null && row.xb !== '' && !(String(row.xb) in SEX_CODES)) return `xb: 性别代码不符合 GB/T 2261.1`;
      if (row.csrq != null && row.csrq !== '' && !YMD.test(String(row.csrq))) return `csrq: 出生日期应为 YYYYMMDD`;
      return null;
    }
    case 'legal_entity': {
      const code = checkCreditCode(String(row.tyshxydm));
      if (code) return `tyshxydm: ${code}`;
      if (row.clrq != null && row.clrq !== '' && !YMD.test(String(row.clrq))) return `clrq: 成立日期应为 YYYYMMDD`;
      return null;
    }
    case 'licence': {
      for (const f of ['zzbfrq', 'zzyxqqsrq', 'zzyxqjzrq']) {
        if (row[f] != null && row[f] !== '' && !YMD.test(String(row[f]))) return `${f}: 日期应为 YYYYMMDD`;
      }
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
  }
}

export function validateRow(target: TargetName, row: TargetRow): string | null {
  for (const col of TARGETS[target].columns) {
    if (!(col.name in row)) continue; // not mapped by this job: not its to check (nor to write)
    const v = row[col.name];
    if (v === null || v === undefined || v === '') {
      if (col.required) return `${col.name}: 不能为空`;
      continue;
    }
    if (col.kind === 'int') {
      if (!Number.isSafeInteger(Number(v))) return `${col.name}: 应为整数`;
    } else if (typeof col.kind === 'number' && String(v).length > col.kind) {
      return `${col.name}: 长度超过 ${col.kind}`;
    }
  }
  return fieldRules(target, row);
}
