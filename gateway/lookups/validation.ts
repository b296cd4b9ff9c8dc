/**
 * Parameter validation, before any query: the method's JSON Schema (shape, unknown
 * parameters, empty values) and then the national check digits. Every failure is a 400
 * naming the parameter and the reason.
 */
import { PARAM_SCHEMAS } from '../../schemas/lookup-params';
import { DateFormat, isEthnicityCode, parseCreditCode, parseDate, parseIdNumber, SEX_CODES } from '../../schemas/checksums';
import type { QueryParam } from '../../catalog/resources';
import { ApiError, badParam } from '../../core/result-codes';
import { lazyValidator, mostTellingError, onlyAlternativesFailed, Validator } from '../../core/validation';

const validators = new Map<string, Validator>();
for (const [method, schema] of Object.entries(PARAM_SCHEMAS)) validators.set(method, lazyValidator(schema));

/** What to tell the caller when none or several of the alternative parameters were given. */
const ALTERNATIVES_HINT: Record<string, [string, string]> = {
  getFRXX: ['tyshxydm', '须且只能提供 tyshxydm（统一社会信用代码）或 jgmc（机构名称）之一'],
  getDZZZ: ['zzbh', '须提供 zzbh（证照编号），或 czztdm（持证主体代码，可加 zzlxdm），二者不可同时提供'],
};

/** Checks `raw` against the method's schema; throws a 400 ApiError naming one parameter otherwise. */
export function checkShape<T>(method: string, raw: unknown): T {
  const validate = validators.get(method);
  if (!validate) throw new Error(`no parameter schema for ${method}`);
  return checkWith<T>(validate, raw, ALTERNATIVES_HINT[method]);
}

/**
 * Checks `raw` with a compiled parameter schema. `hint` answers a failure of the alternatives
 * alone; `label` turns a parameter's name into how the caller is told it (e.g. with its item's name).
 */
export function checkWith<T>(validate: Validator, raw: unknown, hint?: [string, string], label: (field: string) => string = (f) => f): T {
  if (validate(raw)) return raw as T;
  if (hint && onlyAlternativesFailed(validate.errors)) throw badParam(hint[0], hint[1]);
  const e = mostTellingError(validate.errors);
  throw badParam(e.field ? label(e.field) : 'body', e.reason);
}

/** A name as given, trimmed; blank → 400. */
export function requireName(field: string, raw: string): string {
  const s = raw.trim();
  if (s === '') throw badParam(field, '不能为空');
  return s;
}

/** GB 11643: canonical 18-character number (15-digit legacy numbers upgraded) or 400. */
export function requireIdNumber(field: string, raw: string): string {
  const r = parseIdNumber(raw);
  if ('error' in r) throw badParam(field, r.error);
  return r.value;
}

/** GB 32100: canonical credit code or 400. */
export function requireCreditCode(field: string, raw: string): string {
  const r = parseCreditCode(raw);
  if ('error' in r) throw badParam(field, r.error);
  return r.value;
}

/**
 * 持证主体代码: a credit code (18 characters, GB 32100) or a 公民身份号码 (GB 11643, 15-digit
 * numbers upgraded). Whichever rule the value satisfies decides; if neither, the reason of
 * the closer rule is given.
 */
export function requireHolderCode(field: string, raw: string): string {
  const asId = parseIdNumber(raw);
  if ('value' in asId) return asId.value;
  const asCode = parseCreditCode(raw);
  if ('value' in asCode) return asCode.value;
  const looksLikeId = /^\d{14,17}[\dXx]?$/.test(raw.trim());
  throw badParam(field, looksLikeId ? asId.error : `须为统一社会信用代码或公民身份号码（${asCode.error}）`);
}

/** A free-text key (licence number, type code): trimmed, blank → 400. */
export function requireText(field: string, raw: string): string {
  const s = raw.trim();
  if (s === '') throw badParam(field, '不能为空');
  return s;
}

const CODE_LISTS: Record<NonNullable<QueryParam['code_list']>, (code: string) => boolean> = {
  'GB/T 2261.1': (c) => Object.hasOwn(SEX_CODES, c),
  'GB/T 3304': isEthnicityCode,
};

/**
 * A generic lookup's parameter checked as its declaration says (GB 11643, GB 32100, either,
 * a date format, a code list), in the canonical form the library stores; 400 naming `field`.
 */
export function requireDeclared(field: string, raw: string, p: QueryParam): string {
  switch (p.check) {
    case '公民身份号码':
      return requireIdNumber(field, raw);
    case '统一社会信用代码':
      return requireCreditCode(field, raw);
    case '持证主体代码':
      return requireHolderCode(field, raw);
    case '日期': {
      const r = parseDate(raw, (p.date_format ?? 'YYYYMMDD') as DateFormat);
      if ('error' in r) throw badParam(field, r.error);
      return r.value;
    }
    case '代码': {
      const code = requireText(field, raw);
      const known = p.code_list ? CODE_LISTS[p.code_list](code) : (p.codes ?? []).includes(code);
      if (!known) throw badParam(field, p.code_list ? `不是 ${p.code_list} 中的代码` : `取值应为 ${(p.codes ?? []).join(' / ')} 之一`);
      return code;
    }
    default:
      return requireText(field, raw);
  }
}
