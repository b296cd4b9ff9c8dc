/**
 * JSON Schema validation for catalogue inputs: every error at once, each as a JSON pointer
 * and a Chinese reason. Reasons come from the schema's `errorReason` so that the schema
 * stays the one place that describes a field.
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import resourceSchema from '../schemas/resource.schema.json';
import applicationSchema from '../schemas/application.schema.json';
import demandSchema from '../schemas/demand.schema.json';
import { ApiError } from '../core/result-codes';

export interface FieldError {
  field: string;
  reason: string;
}

/** A 400 that carries every offending field in the envelope's data. */
export class ValidationFailed extends ApiError {
  constructor(
    readonly what: string,
    readonly errors: FieldError[],
  ) {
    super('BAD_PARAM', `${what}有${errors.length}处错误`);
  }
}

// strictRequired off: the if/then rules require properties declared at the top level
const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false });
addFormats(ajv, ['date', 'date-time']);
ajv.addKeyword({ keyword: 'errorReason', schemaType: 'string' });

const validators = {
  resource: ajv.compile(resourceSchema),
  application: ajv.compile(applicationSchema),
  demand: ajv.compile(demandSchema),
};

export type SchemaName = keyof typeof validators;

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function reasonOf(e: ErrorObject): FieldError | null {
  const ps = e.parentSchema as { errorReason?: string } | undefined;
  switch (e.keyword) {
    case 'if':
      return null; // the failing `then` is reported on its own
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { field: `${e.instancePath}/${escapePointer(missing)}`, reason: `缺少必填项 ${missing}` };
    }
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      return { field: `${e.instancePath}/${escapePointer(extra)}`, reason: `不允许的字段 ${extra}` };
    }
    case 'type':
      if (e.instancePath === '') return { field: '', reason: '请求体应为 JSON 对象' };
      return { field: e.instancePath, reason: ps?.errorReason ?? `类型应为 ${(e.params as { type: string }).type}` };
    default:
      return { field: e.instancePath, reason: ps?.errorReason ?? '取值不合法' };
  }
}

/** Field errors of `value` against a schema, de-duplicated, in document order. */
export function schemaErrors(name: SchemaName, value: unknown): FieldError[] {
  const validate: ValidateFunction = validators[name];
  if (validate(value)) return [];
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const fe = reasonOf(e);
    if (!fe) continue;
    const key = fe.field + '\u0000' + fe.reason;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fe);
  }
  return out;
}
