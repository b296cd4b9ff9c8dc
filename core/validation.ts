/**
 * The one JSON Schema compiler (ajv) and the one way its errors are told to a person: each
 * error as the dotted name of the field (`items.0.field`, `source.client`; '' for the whole
 * value) and a Chinese reason. A schema may word a field's reason itself with `errorReason`,
 * so that the schema stays the one place that describes the field.
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export interface FieldError {
  field: string;
  reason: string;
}

// allErrors: a form shows every mistake at once, and the most telling one is chosen from all;
// strictRequired off: if/then rules require properties declared at the top level
const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats(ajv, ['date', 'date-time']);
ajv.addKeyword({ keyword: 'errorReason', schemaType: 'string' });

export function compileSchema<T = unknown>(schema: object): ValidateFunction<T> {
  return ajv.compile<T>(schema);
}

/** A compiled schema as its callers use it: the check, then the errors of the last failed one. */
export interface Validator {
  (data: unknown): boolean;
  readonly errors?: ErrorObject[] | null;
}

/**
 * A module's fixed schema, compiled on its first use. Compiling writes and evaluates code (a
 * few to tens of milliseconds a schema): at start-up every command — a sync run above all —
 * paid for every schema of the modules it loads, used or not.
 */
export function lazyValidator(schema: object): Validator {
  let compiled: ValidateFunction | undefined;
  const validate = (data: unknown) => (compiled ??= ajv.compile(schema))(data);
  return Object.defineProperty(validate, 'errors', { get: () => compiled?.errors }) as Validator;
}

const TYPE_NAMES: Record<string, string> = {
  string: '字符串',
  array: '数组',
  object: '对象',
  integer: '整数',
  number: '数字',
  boolean: '布尔值',
  null: '空值',
};

const COMBINATORS = new Set(['oneOf', 'anyOf', 'not']);

function dotted(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function join(path: string, prop: string): string {
  return path ? `${path}.${prop}` : prop;
}

function limitOf(e: ErrorObject): number {
  return Number((e.params as { limit?: number }).limit);
}

function typeName(t: unknown): string {
  return (Array.isArray(t) ? t : [t]).map((x) => TYPE_NAMES[String(x)] ?? String(x)).join('或');
}

/** One ajv error as a field and a reason; null for an error that only wraps others. */
function fieldErrorOf(e: ErrorObject): FieldError | null {
  const path = dotted(e.instancePath);
  const own = (e.parentSchema as { errorReason?: string } | undefined)?.errorReason;
  switch (e.keyword) {
    case 'if':
      return null; // the failing `then` is reported on its own
    case 'required':
      return { field: join(path, (e.params as { missingProperty: string }).missingProperty), reason: '缺少必填项' };
    case 'additionalProperties':
      return { field: join(path, (e.params as { additionalProperty: string }).additionalProperty), reason: '不是可识别的字段' };
    case 'type':
      if (path === '' && !own) return { field: '', reason: `应为 JSON ${typeName((e.params as { type: unknown }).type)}` };
      return { field: path, reason: own ?? `类型错误，应为${typeName((e.params as { type: unknown }).type)}` };
  }
  if (own) return { field: path, reason: own };
  switch (e.keyword) {
    case 'minLength':
      return { field: path, reason: limitOf(e) <= 1 ? '不能为空' : `长度不能少于${limitOf(e)}个字符` };
    case 'maxLength':
      return { field: path, reason: `长度不能超过${limitOf(e)}个字符` };
    case 'minItems':
      return { field: path, reason: limitOf(e) <= 1 ? '不能为空列表' : `至少${limitOf(e)}项` };
    case 'maxItems':
      return { field: path, reason: `最多${limitOf(e)}项` };
    case 'minProperties':
      return { field: path, reason: '不能为空' };
    case 'minimum':
      return { field: path, reason: `取值不能小于 ${limitOf(e)}` };
    case 'maximum':
      return { field: path, reason: `取值不能大于 ${limitOf(e)}` };
    case 'enum':
      return { field: path, reason: `取值应为 ${(e.params as { allowedValues: unknown[] }).allowedValues.join(' / ')} 之一` };
    case 'pattern':
    case 'format':
      return { field: path, reason: '格式不正确' };
    case 'oneOf':
    case 'anyOf':
    case 'not':
      return { field: path, reason: '结构不符合任何一种允许的写法' };
    default:
      return { field: path, reason: '取值不合法' };
  }
}

/**
 * How telling an error is, smaller first: a wrong value names the field and the fix; an
 * unknown or missing field next; "matches none of the alternatives" last, as its branches'
 * own errors say more.
 */
function rank(e: ErrorObject): number {
  if (COMBINATORS.has(e.keyword)) return 3;
  if (e.keyword === 'required') return 2;
  if (e.keyword === 'additionalProperties') return 1;
  return e.instancePath === '' ? 4 : 0;
}

/** Every error of a failed validation, without repeats, in document order. */
export function fieldErrors(errors: readonly ErrorObject[] | null | undefined): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    const fe = fieldErrorOf(e);
    if (!fe) continue;
    const key = fe.field + '\u0000' + fe.reason;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fe);
  }
  return out;
}

/**
 * The one error to report when only one is told: the deepest field first (it names the
 * field best), then by how telling the kind of error is.
 */
export function mostTellingError(errors: readonly ErrorObject[] | null | undefined): FieldError {
  const candidates = (errors ?? []).filter((e) => e.keyword !== 'if');
  const depth = (e: ErrorObject) => e.instancePath.split('/').length + (e.keyword === 'required' || e.keyword === 'additionalProperties' ? 1 : 0);
  const best = candidates.slice().sort((a, b) => depth(b) - depth(a) || rank(a) - rank(b))[0];
  return (best && fieldErrorOf(best)) ?? { field: '', reason: '取值不合法' };
}

/** None of the alternatives of a oneOf/not matched, and nothing more specific went wrong. */
export function onlyAlternativesFailed(errors: readonly ErrorObject[] | null | undefined): boolean {
  const list = errors ?? [];
  return list.some((e) => COMBINATORS.has(e.keyword)) && list.every((e) => COMBINATORS.has(e.keyword) || e.keyword === 'required');
}

/** "字段 x 原因" — a field error as one sentence. */
export function describeFieldError(e: FieldError): string {
  return e.field ? `字段 ${e.field} ${e.reason}` : e.reason;
}
