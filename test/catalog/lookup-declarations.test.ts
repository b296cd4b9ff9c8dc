/**
 * A generic lookup's declaration in a registration (interfaces[].query): what the schema and
 * the cross-field checks accept and refuse, each refusal naming the field with a Chinese reason.
 */
import { validateRegistration } from '../../catalog/registration';
import type { InterfaceSpec, QueryDeclaration, Registration } from '../../catalog/resources';
import { ValidationFailed } from '../../catalog/validation';
import { seedCatalogue } from '../../catalog/seed';
import { declaredSchema } from '../../catalog/lookup-declarations';
import { STORAGE_TARGETS } from '../support/databases';
import { testContext, TestContext } from '../support/context';
import { sampleRegistration } from '../support/catalog';

const VALID: QueryDeclaration = {
  params: [
    { name: 'gmsfzh', item: 'GMSFZH', check: '公民身份号码' },
    { name: 'xm', item: 'XM' },
    { name: 'cbrq', item: 'CBRQ', check: '日期', date_format: 'YYYYMMDD' },
    { name: 'cbzt', item: 'CBZT', check: '代码', codes: ['1', '2'] },
  ],
  one_of: [['gmsfzh'], ['xm', 'cbrq']],
};

function withQuery(query: unknown, over: Partial<InterfaceSpec> = {}, reg: Partial<Registration> = {}): Registration {
  const base = sampleRegistration(reg);
  return { ...base, interfaces: [{ method: 'getSBCB', name: '社保参保信息', function: '用于查询社会保险参保状态', query, ...over } as InterfaceSpec] };
}

describe.each(STORAGE_TARGETS)('generic lookup declarations on %s', (target) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await testContext(target);
    await seedCatalogue(ctx.db);
  });
  afterAll(() => ctx.dispose());

  async function errorsOf(reg: unknown): Promise<Array<{ field: string; reason: string }>> {
    try {
      await validateRegistration(ctx.db, reg);
    } catch (err) {
      if (err instanceof ValidationFailed) return err.errors;
      throw err;
    }
    return [];
  }

  it('accepts a declaration with checks, a required-or-group rule and exact matching', async () => {
    expect(await errorsOf(withQuery(VALID))).toEqual([]);
    expect(await errorsOf(withQuery({ params: [{ name: 'gmsfzh', item: 'GMSFZH', match: 'exact', required: true, check: '公民身份号码' }] }))).toEqual([]);
  });

  it.each([
    ['an item the resource lacks', { params: [{ name: 'x', item: 'NOPE', required: true }] }, {}, 'interfaces.0.query.params.0.item', '信息项 NOPE 不是本资源的信息项'],
    ['a parameter on a number', { params: [{ name: 'je', item: 'JE', required: true }] }, { items: [...sampleRegistration().items, { field: 'JE', name: '金额', data_type: 'Y', length: 12, sensitive: false }] }, 'interfaces.0.query.params.0.item', '信息项 JE（金额）不是字符、日期或日期时间型，不能精确查询'],
    ['nothing that must be given', { params: [{ name: 'xm', item: 'XM' }] }, {}, 'interfaces.0.query.params', '至少一个参数须为必填（required），或以 one_of 声明须提供的参数分组'],
    ['a group naming an undeclared parameter', { params: [{ name: 'xm', item: 'XM' }], one_of: [['xm'], ['zz']] }, {}, 'interfaces.0.query.one_of.1.0', '参数 zz 未在 params 中声明'],
    ['a required parameter in a group', { params: [{ name: 'xm', item: 'XM', required: true }, { name: 'gmsfzh', item: 'GMSFZH' }], one_of: [['xm'], ['gmsfzh']] }, {}, 'interfaces.0.query.one_of.0.0', '参数 xm 已是必填，不能再列入分组'],
    ['a duplicate parameter name', { params: [{ name: 'xm', item: 'XM', required: true }, { name: 'xm', item: 'GMSFZH' }] }, {}, 'interfaces.0.query.params.1.name', '参数名 xm 重复'],
    ['two parameters on one item', { params: [{ name: 'xm', item: 'XM', required: true }, { name: 'xm2', item: 'XM' }] }, {}, 'interfaces.0.query.params.1.item', '信息项 XM 已由参数 xm 查询'],
    ['a code check without codes', { params: [{ name: 'cbzt', item: 'CBZT', required: true, check: '代码' }] }, {}, 'interfaces.0.query.params.0.codes', '校验规则为“代码”时须且只能给出 codes（代码值）或 code_list（代码表）之一'],
    ['codes without the code check', { params: [{ name: 'cbzt', item: 'CBZT', required: true, codes: ['1'] }] }, {}, 'interfaces.0.query.params.0.check', '给出了代码或代码表时校验规则应为“代码”'],
    ['a date format on another check', { params: [{ name: 'xm', item: 'XM', required: true, date_format: 'YYYYMMDD' }] }, {}, 'interfaces.0.query.params.0.date_format', '只有校验规则为“日期”的参数才有日期格式'],
  ])('refuses %s', async (_label, query, reg, field, reason) => {
    expect(await errorsOf(withQuery(query, {}, reg as Partial<Registration>))).toEqual([{ field, reason }]);
  });

  it('refuses free-text params or fields beside a declaration, a query on a fixed method, and a query on a file resource', async () => {
    const both = withQuery(VALID, { params: [{ name: 'gmsfzh', description: '身份证号', data_type: '字符串' }] });
    expect(await errorsOf(both)).toEqual([{ field: 'interfaces.0.params', reason: '声明了查询（query）的接口，请求参数由查询声明生成，不再另填 params' }]);
    const withFields = withQuery(VALID, { fields: [{ field: 'HYJG', name: '核验结果', db_type: 'VARCHAR2' }] });
    expect(await errorsOf(withFields)).toEqual([{ field: 'interfaces.0.fields', reason: '声明了查询（query）的接口返回本资源的信息项，不再另填 fields' }]);
    const fixed = await errorsOf(withQuery(VALID, { method: 'getRKZP' }));
    expect(fixed).toContainEqual({ field: 'interfaces.0.method', reason: '方法 getRKZP 是网关内置的附件3接口，不能声明通用查询' });
    expect(await errorsOf(withQuery(VALID, {}, { share_mode: '文件', library: undefined }))).toEqual([{ field: 'interfaces.0.query', reason: '共享方式为文件的资源没有库表，不能声明查询' }]);
  });

  it('refuses a malformed declaration by the schema, in Chinese', async () => {
    const errs = await errorsOf(withQuery({ params: [{ name: 'GMSFZH', item: 'GMSFZH', match: 'like', check: 'GB11643' }] }));
    expect(errs.map((e) => e.field).sort()).toEqual(['interfaces.0.query.params.0.check', 'interfaces.0.query.params.0.match', 'interfaces.0.query.params.0.name']);
    for (const e of errs) expect(e.reason).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('turns a declaration into the parameters’ JSON Schema: lengths from items and checks, required, groups', () => {
    const reg = withQuery(VALID);
    const schema = declaredSchema(reg, reg.interfaces![0]);
    expect(schema).toEqual({
      title: '社保参保信息 getSBCB',
      type: 'object',
      properties: {
        gmsfzh: { type: 'string', description: '公民身份号码（GB 11643 公民身份号码，18位（15位旧号自动升位））', minLength: 1, maxLength: 18 },
        xm: { type: 'string', description: '姓名（精确匹配）', minLength: 1, maxLength: 64 },
        cbrq: { type: 'string', description: '参保日期（日期，格式 YYYYMMDD）', minLength: 1, maxLength: 10 },
        cbzt: { type: 'string', description: '参保状态（代码，取值为 1 / 2 之一）', minLength: 1, maxLength: 2 },
      },
      oneOf: [{ required: ['gmsfzh'] }, { required: ['xm', 'cbrq'] }],
      additionalProperties: false,
    });
  });
});
