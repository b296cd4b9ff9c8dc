/**
 * The canonical query key of a lookup, as the lookups write it into the audit (before
 * hashing): ID numbers and credit codes in their checked 18-character form, licence
 * numbers and organisation names prefixed with what they are.
 */
import { parseCreditCode, parseIdNumber } from '../../schemas/checksums';
import type { AuditKeyKind } from '../../core/registry';

export type KeyKind = AuditKeyKind;

export function canonicalQueryKey(kind: KeyKind, raw: string): { value: string } | { error: string } {
  const s = String(raw ?? '').trim();
  if (s === '') return { error: '查询键不能为空' };
  switch (kind) {
    case 'gmsfzh':
      return parseIdNumber(s);
    case 'tyshxydm':
      return parseCreditCode(s);
    case 'czztdm': {
      const id = parseIdNumber(s);
      return 'value' in id ? id : parseCreditCode(s);
    }
    case 'zzbh':
      return { value: `zzbh:${s}` };
    case 'jgmc':
      return { value: `jgmc:${s}` };
  }
}

/** For a bare key typed by an operator: an ID number or a credit code, whichever it is. */
export function guessKeyKind(raw: string): KeyKind {
  return 'value' in parseIdNumber(raw) ? 'gmsfzh' : 'tyshxydm';
}
