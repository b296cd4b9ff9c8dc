/**
 * The audit's keys, written once: the canonical text of each kind of key (the kinds are the
 * registry's) before hashing — ID numbers and credit codes in their checked 18-character form,
 * licence numbers and organisation names prefixed with what they are — and the subjects of an
 * answer. The lookups (gateway/lookups/methods.ts), the pipeline, the operator API and `dprs
 * audit who` all build keys here, so a key written by one is found by the others.
 */
import { parseCreditCode, parseIdNumber } from '../../schemas/checksums';
import { AuditKeyKind, LIBRARIES } from '../../core/registry';

export type KeyKind = AuditKeyKind;

/** A licence number's key: `zzbh:` + the number. */
export const licenceKey = (zzbh: string): string => `zzbh:${zzbh}`;
/** An organisation name's key: `jgmc:` + the name. */
export const organisationNameKey = (jgmc: string): string => `jgmc:${jgmc}`;

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
      return { value: licenceKey(s) };
    case 'jgmc':
      return { value: organisationNameKey(s) };
  }
}

/** For a bare key typed by an operator: an ID number or a credit code, whichever it is. */
export function guessKeyKind(raw: string): KeyKind {
  return 'value' in parseIdNumber(raw) ? 'gmsfzh' : 'tyshxydm';
}

/**
 * Items of an answered record that name its subject, as the registry says per library: a
 * person (GMSFZH), an organisation (TYSHXYDM) or a licence's holder (CZZTDM, either). Stored
 * in canonical form by sync.
 */
const SUBJECT_ITEMS = [...new Set(Object.values(LIBRARIES).map((l) => l.subject.toUpperCase()))];

/**
 * Every key one lookup is audited under: its query key, then each subject it asked about or
 * was answered with (a licence found by number names its holder), once each. "Who looked me
 * up" by the holder's number then finds the lookup too.
 */
export function auditKeys(queryKey: string, asked: readonly string[], answered: ReadonlyArray<Record<string, unknown>>): string[] {
  const keys = new Set([queryKey, ...asked]);
  for (const record of answered) {
    for (const item of SUBJECT_ITEMS) {
      const v = record[item];
      if (typeof v === 'string' && v !== '') keys.add(v);
    }
  }
  return [...keys];
}

/** The kind of audit key a generic lookup's parameter is, by the check its declaration gives it. */
export const KEY_KIND_OF_CHECK: Readonly<Record<string, KeyKind>> = { 公民身份号码: 'gmsfzh', 统一社会信用代码: 'tyshxydm', 持证主体代码: 'czztdm' };

/**
 * A generic lookup's query key: the first given parameter that names a person or organisation
 * (already canonical: its check made it so), so "who looked me up" finds it; otherwise the
 * method with its parameters (hashed like any key).
 */
export function declaredQueryKey(method: string, given: ReadonlyArray<{ name: string; check?: string; value: string }>): string {
  const subject = given.find((g) => g.check !== undefined && Object.hasOwn(KEY_KIND_OF_CHECK, g.check));
  if (subject) return subject.value;
  return `${method}:${given.map((g) => `${g.name}=${g.value}`).join('&')}`;
}
