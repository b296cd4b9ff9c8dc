/**
 * Parameter validation, before any query: the method's JSON Schema (shape, unknown
 * parameters, empty values) and then the national check digits. Every failure is a 400
 * naming the parameter and the reason.
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { PARAM_SCHEMAS } from '../../schemas/lookup-params';
import { parseCreditCode, parseIdNumber } from '../../schemas/checksums';
import { ApiError, badParam } from '../../core/result-codes';

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
const validators = new Map<string, ValidateFunction>();
for (const [method, schema] of Object.entries(PARAM_SCHEMAS)) validators.set(method, ajv.compile(schema));

/** What to tell the caller when none or several of the alternative parameters were given. */
const ALTERNATIVES_HINT: Record<string, [string, string]> = {
  getFRXX: ['tyshxydm', '须且只能提供 tyshxydm（统一社会信用代码）或 jgmc（机构名称）之一'],
  getDZZZ: ['zzbh', '须提供 zzbh（证照编号），或 czztdm（持证主体代码，可加 zzlxdm），二者不可同时提供'],
};

function fieldOf(e: ErrorObject): string {
  return e.instancePath.replace(/^\//, '').replace(/\//g, '.');
}

function describe(method: string, errors: ErrorObject[]): ApiError {
  const unknown = errors.find((e) => e.keyword === 'additionalProperties');
  if (unknown) return badParam(String((unknown.params as { additionalProperty: string }).additionalProperty), '未知参数');
  const onProperty = errors.find((e) => e.instancePath !== '' && ['type', 'minLength', 'maxLength', 'minItems', 'maxItems'].includes(e.keyword));
  if (onProperty) {
    const field = fieldOf(onProperty);
    const limit = (onProperty.params as { limit?: number }).limit;
    switch (onProperty.keyword) {
      case 'type':
        return badParam(field, `类型错误，应为${onProperty.params.type === 'array' ? '数组' : onProperty.params.type === 'object' ? '对象' : '字符串'}`);
      case 'minLength':
        return badParam(field, '不能为空');
      case 'maxLength':
        return badParam(field, `长度不能超过${limit}个字符`);
      case 'minItems':
        return badParam(field, '不能为空列表');
      case 'maxItems':
        return badParam(field, `最多${limit}项`);
    }
  }
  if (errors.some((e) => e.keyword === 'oneOf' || e.keyword === 'not') && ALTERNATIVES_HINT[method]) {
    const [field, reason] = ALTERNATIVES_HINT[method];
    return badParam(field, reason);
  }
  const missing = errors.find((e) => e.keyword === 'required');
  if (missing) return badParam(String((missing.params as { missingProperty: string }).missingProperty), '缺少参数');
  if (errors.some((e) => e.keyword === 'type' && e.instancePath === '')) return badParam('body', '参数须为JSON对象');
  return badParam(fieldOf(errors[0]) || 'body', '参数不合法');
}

/** Checks `raw` against the method's schema; throws a 400 ApiError otherwise. */
export function checkShape<T>(method: string, raw: unknown): T {
  const validate = validators.get(method);
  if (!validate) throw new Error(`no parameter schema for ${method}`);
  if (validate(raw)) return raw as T;
  throw describe(method, validate.errors ?? []);
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
