/**
 * The one error formatter: dotted field names, Chinese reasons, a schema's own errorReason,
 * and which error is told when only one is.
 */
import { compileSchema, describeFieldError, fieldErrors, lazyValidator, mostTellingError, onlyAlternativesFailed } from '../../core/validation';
import { schemaErrors } from '../../catalog/validation';
import { checkShape } from '../../gateway/lookups/validation';
import { PARAM_SCHEMAS } from '../../schemas/lookup-params';
import { JobDefinitionError, parseJob } from '../../adapters/sync/jobs';
import { ApiError } from '../../core/result-codes';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'items'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 4 },
    size: { type: 'integer', minimum: 1, maximum: 10 },
    kind: { enum: ['a', 'b'] },
    code: { type: 'string', pattern: '^[0-9]+$', errorReason: '代码应为数字' },
    items: {
      type: 'array',
      minItems: 1,
      maxItems: 2,
      items: { type: 'object', additionalProperties: false, required: ['n'], properties: { n: { type: 'string', minLength: 1 } } },
    },
    source: { oneOf: [{ type: 'string' }, { type: 'object', required: ['file'], properties: { file: { type: 'string' } } }] },
  },
};
const validate = compileSchema(schema);

function errorsOf(value: unknown) {
  expect(validate(value)).toBe(false);
  return validate.errors;
}

describe('core/validation', () => {
  test('every error at once, each a dotted field and a Chinese reason', () => {
    const errs = fieldErrors(errorsOf({ id: '', size: 0, kind: 'c', code: 'x1', items: [{ n: 1, m: 2 }], extra: true }));
    expect(errs).toEqual(
      expect.arrayContaining([
        { field: 'extra', reason: '不是可识别的字段' },
        { field: 'id', reason: '不能为空' },
        { field: 'size', reason: '取值不能小于 1' },
        { field: 'kind', reason: '取值应为 a / b 之一' },
        { field: 'code', reason: '代码应为数字' },
        { field: 'items.0.m', reason: '不是可识别的字段' },
        { field: 'items.0.n', reason: '类型错误，应为字符串' },
      ]),
    );
    expect(new Set(errs.map((e) => `${e.field}|${e.reason}`)).size).toBe(errs.length);
  });

  test('lengths, list sizes, a missing field and the whole value', () => {
    expect(fieldErrors(errorsOf({ id: 'abcde', items: [] }))).toEqual([
      { field: 'id', reason: '长度不能超过4个字符' },
      { field: 'items', reason: '不能为空列表' },
    ]);
    expect(fieldErrors(errorsOf({ id: 'a', items: [{ n: 'x' }, { n: 'y' }, { n: 'z' }] }))).toEqual([{ field: 'items', reason: '最多2项' }]);
    expect(fieldErrors(errorsOf({ items: [{ n: 'x' }] }))).toEqual([{ field: 'id', reason: '缺少必填项' }]);
    expect(fieldErrors(errorsOf([1]))).toEqual([{ field: '', reason: '应为 JSON 对象' }]);
  });

  test('told alone: the deepest field, a wrong value before an unknown or missing field, alternatives last', () => {
    expect(mostTellingError(errorsOf({ id: 'a', items: [{ n: '' }], extra: 1 }))).toEqual({ field: 'items.0.n', reason: '不能为空' });
    expect(mostTellingError(errorsOf({ id: 'a', items: [{ n: 'x' }], extra: 1 }))).toEqual({ field: 'extra', reason: '不是可识别的字段' });
    expect(mostTellingError(errorsOf({ id: 'a', items: [{ n: 'x' }], source: { file: 3 } }))).toEqual({ field: 'source.file', reason: '类型错误，应为字符串' });
    expect(mostTellingError(errorsOf({ id: 'a', items: [{ n: 'x' }], source: 3 }))).toEqual({ field: 'source', reason: '类型错误，应为字符串' });
  });

  test('alternatives that alone failed are recognised; a sentence names the field', () => {
    const alt = compileSchema({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, oneOf: [{ required: ['a'] }, { required: ['b'] }] });
    expect(alt({})).toBe(false);
    expect(onlyAlternativesFailed(alt.errors)).toBe(true);
    expect(alt({ a: 1 })).toBe(false);
    expect(onlyAlternativesFailed(alt.errors)).toBe(false);
    expect(describeFieldError({ field: 'source.client', reason: '缺少必填项' })).toBe('字段 source.client 缺少必填项');
    expect(describeFieldError({ field: '', reason: '应为 JSON 对象' })).toBe('应为 JSON 对象');
  });
});

describe('lazyValidator (the fixed schemas of modules)', () => {
  test('is compiled at its first use, not when made: a schema ajv refuses fails only when called', () => {
    const refused = lazyValidator({ type: 'object', notAKeyword: true });
    expect(() => refused({})).toThrow(/notAKeyword/);
  });

  test('checks as the compiled schema does; errors are those of its last call', () => {
    const lazy = lazyValidator(schema);
    expect(lazy.errors).toBeUndefined();
    expect(lazy({ id: '', items: [] })).toBe(false);
    expect(fieldErrors(lazy.errors)).toEqual(fieldErrors(errorsOf({ id: '', items: [] })));
    expect(lazy({ id: 'a', items: [{ n: 'x' }] })).toBe(true);
    expect(lazy.errors).toBeNull();
  });

  // compiled lazily, a schema ajv's strict mode refuses would surface only when first used: every
  // fixed schema is used here once, and answers with a field error, not a compile failure
  test('every fixed schema compiles', () => {
    for (const name of ['resource', 'application', 'demand'] as const) expect(schemaErrors(name, {}).length).toBeGreaterThan(0);
    for (const method of Object.keys(PARAM_SCHEMAS)) expect(() => checkShape(method, 42)).toThrow(ApiError);
    expect(() => parseJob({}, {} as never)).toThrow(JobDefinitionError);
  });
});
