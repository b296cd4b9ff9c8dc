/**
 * A declared (generic) lookup rule by rule, below HTTP (declared.test.ts calls the same methods
 * through the pipeline): which names are methods, the lookup a declaration makes (its answer
 * items, interfaces, how its items are masked), every parameter check and the groups rule with
 * the 400 naming parameter and item, the query key, 503 数据尚未接入 until the library's first
 * full sync and how long "connected" is believed, and what is read once per published row.
 */
import { STORAGE_TARGETS } from '../../support/databases';
import { testContext, TestContext } from '../../support/context';
import { sampleRegistration } from '../../support/catalog';
import { seedCatalogue } from '../../../catalog/seed';
import { publish, register, retire, revise } from '../../../catalog/lifecycle';
import { idCheckChar, orgCodeCheckChar, usccCheckChar } from '../../../schemas/checksums';
import { projectRecord } from '../../../catalog/masking';
import { ApiError } from '../../../core/result-codes';
import * as validation from '../../../core/validation';
import * as libraries from '../../../catalog/libraries';
import * as access from '../../../catalog/access';
import { declaredLookup, isDeclarableName, type DeclaredLookup, type DeclaredParams } from '../../../gateway/lookups/declared';
import type { InterfaceSpec, Registration } from '../../../catalog/resources';
import type { Principal } from '../../../catalog/principal';

const OPERATOR: Principal = { role: 'operator', sub: 'op' };
const RSJ: Principal = { role: 'department', sub: 'rsj', dept: 'ZC010' };
const CODE = '301010/00001';
const OTHER = '301010/00002';

const idNumber = (first17: string) => first17 + idCheckChar(first17);
const ZHANG = idNumber('37030619800101001');
const ZHANG15 = ZHANG.slice(0, 6) + ZHANG.slice(8, 17);
/** A 统一社会信用代码 built by the rule: 登记管理部门 9, 类别 1, area 370300, a GB 11714 code, its check. */
function creditCode(body8: string): string {
  const first17 = '91370300' + body8 + orgCodeCheckChar(body8);
  return first17 + usccCheckChar(first17);
}
const ACME = creditCode('12345678');

// items whose masking the registry does not know (none is an item of a base library)
const ITEMS: Registration['items'] = [
  { field: 'ZJHM', name: '证件号码', data_type: 'C', length: 18, sensitive: true },
  { field: 'RYXM', name: '人员姓名', data_type: 'C', length: 64, sensitive: true },
  { field: 'DWDM', name: '单位代码', data_type: 'C', length: 18, sensitive: false },
  { field: 'TYDM', name: '信用代码', data_type: 'C', length: 18, sensitive: false },
  { field: 'DJRQ', name: '登记日期', data_type: 'D', length: 8, sensitive: false },
  { field: 'ZT', name: '状态', data_type: 'C', length: 2, sensitive: false },
  { field: 'BZ', name: '备注', data_type: 'C', length: 128, sensitive: false },
];

const DWXX: InterfaceSpec = {
  method: 'getDWXX',
  name: '单位人员信息',
  function: '用于查询单位人员登记信息',
  query: {
    params: [
      { name: 'zjhm', item: 'ZJHM', check: '公民身份号码' },
      { name: 'rymc', item: 'RYXM' },
      { name: 'djrq', item: 'DJRQ', check: '日期', date_format: 'YYYYMMDD' },
      { name: 'dwdm', item: 'DWDM', check: '持证主体代码' },
      { name: 'tydm', item: 'TYDM', check: '统一社会信用代码' },
      { name: 'zt', item: 'ZT', check: '代码', codes: ['01', '02'] },
    ],
    one_of: [['zjhm'], ['rymc', 'djrq'], ['dwdm']],
  },
};
/** no groups: one required parameter */
const DWJB: InterfaceSpec = {
  method: 'getDWJB',
  name: '单位人员简表',
  function: '用于按姓名查询单位人员',
  query: { params: [{ name: 'rymc', item: 'RYXM', required: true }, { name: 'zt', item: 'ZT', check: '代码', codes: ['01'] }] },
};
/** published without a query declaration */
const DWSM: InterfaceSpec = { method: 'getDWSM', name: '单位人员说明', function: '用于说明单位人员信息' };

const registration = (over: Partial<Registration> = {}): Registration =>
  sampleRegistration({ items: ITEMS, library: { key: ['ZJHM'] }, interfaces: [DWXX, DWJB, DWSM], ...over });

/** The ApiError a call throws (or fails the test). */
async function refusal(f: () => unknown): Promise<ApiError> {
  try {
    await f();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('isDeclarableName: the method names of the registration schema', () => {
  it.each(['ab', 'getSBCB', 'a1B2c3', 'x' + 'Y9'.repeat(31) + 'z'])('accepts %s', (name) => {
    expect(isDeclarableName(name)).toBe(true);
  });
  // one character, 65 characters, a capital or digit first, any other character anywhere
  it.each(['', 'a', 'x' + 'y'.repeat(64), 'GetSBCB', '9getX', '_getX', 'get_x', 'get-x', 'get x', ' getX', 'getX ', 'getX\n', 'get中文', 'getX;'])('refuses %j', (name) => {
    expect(isDeclarableName(name)).toBe(false);
  });
});

describe.each(STORAGE_TARGETS)('declared lookups on %s', (target) => {
  let ctx: TestContext;
  let table: string;
  const lookup = async (method: string): Promise<DeclaredLookup> => {
    const m = await declaredLookup(ctx.db, method);
    if (!m) throw new Error(`${method} is no declared lookup`);
    return m;
  };
  const connect = async (job: string) => {
    await ctx.db('sync_jobs').insert({ id: job, target: table, definition: JSON.stringify({ id: job }), enabled: true, created_at: 1, updated_at: 1 });
    await ctx.db('sync_runs').insert({ job_id: job, mode: 'full', status: 'succeeded', started_at: 1, ended_at: 2 });
  };
  const disconnect = async (job: string) => {
    await ctx.db('sync_runs').where({ job_id: job }).delete();
    await ctx.db('sync_jobs').where({ id: job }).delete();
  };

  beforeAll(async () => {
    ctx = await testContext(target);
    await seedCatalogue(ctx.db);
    await register(ctx.db, RSJ, registration());
    await publish(ctx.db, OPERATOR, CODE);
    table = libraries.libraryTableName(CODE);
  });
  afterAll(() => ctx.dispose());
  afterEach(() => jest.restoreAllMocks());

  it('is no lookup: a fixed method (even though a published resource names it), an unknown or unpublished name', async () => {
    // the seeded 人口户籍信息 resource is published with getRKZP among its interfaces
    expect(await ctx.db('interfaces').where({ method: 'getRKZP' }).first()).toBeDefined();
    expect(await declaredLookup(ctx.db, 'getRKZP')).toBeNull();
    expect(await declaredLookup(ctx.db, 'getNothing')).toBeNull();
    await register(ctx.db, RSJ, registration({ code: OTHER, name: '单位人员草稿', interfaces: [{ ...DWXX, method: 'getDWCG' }] }));
    expect(await declaredLookup(ctx.db, 'getDWCG')).toBeNull();
  });

  it('is no lookup when the published registration does not declare the method its catalogue row names, or vanished meanwhile', async () => {
    // the interfaces table and the registration are written in one transaction; a row naming a
    // method the body lacks (or a body without interfaces) is still no method
    await register(ctx.db, RSJ, registration({ code: '301010/00006', name: '单位人员无接口', share_mode: '库表', interfaces: undefined }));
    await publish(ctx.db, OPERATOR, '301010/00006');
    const orphan = (method: string, code: string) => ({ method, resource_code: code, name: '孤立', function: '孤立的接口行', network: '政务外网', remark: null });
    await ctx.db('interfaces').insert([orphan('getDWGZ', CODE), orphan('getWJKX', '301010/00006')]);
    try {
      expect(await declaredLookup(ctx.db, 'getDWGZ')).toBeNull();
      expect(await declaredLookup(ctx.db, 'getWJKX')).toBeNull();
    } finally {
      await ctx.db('interfaces').whereIn('method', ['getDWGZ', 'getWJKX']).delete();
    }
    // the row read by method, then its registration gone (superseded between the two reads)
    jest.spyOn(access, 'registrationOf').mockResolvedValueOnce(null);
    expect(await declaredLookup(ctx.db, 'getDWXX')).toBeNull();
    expect(await declaredLookup(ctx.db, 'getDWXX')).not.toBeNull();
  });

  it('a declared method: its name and title, JSON and SOAP, authorised by grants, answering the library items in order', async () => {
    const m = await lookup('getDWXX');
    expect(m.name).toBe('getDWXX');
    expect(m.title).toBe('单位人员信息');
    expect(m.interfaces).toEqual(['json', 'soap']);
    expect(m.declared).toBe(true);
    expect(m.fields).toEqual(['ZJHM', 'RYXM', 'DWDM', 'TYDM', 'DJRQ', 'ZT', 'BZ']);
  });

  it('masks by what the item is: a date item as a date, an item checked as 公民身份号码 or 持证主体代码 as an ID number, the rest as text', async () => {
    const m = await lookup('getDWXX');
    expect([...m.maskKinds].sort()).toEqual([
      ['DJRQ', 'date'],
      ['DWDM', 'id-number'],
      ['ZJHM', 'id-number'],
    ]);
    const record = { ZJHM: ZHANG, RYXM: '欧阳明月', DWDM: ACME, TYDM: ACME, DJRQ: '20100101', ZT: '01', BZ: '备注文字' };
    const fields = Object.keys(record);
    expect(projectRecord(record, fields, fields, fields, m.maskKinds)).toEqual({
      ZJHM: ZHANG.slice(0, 6) + '********' + ZHANG.slice(14),
      RYXM: '欧**月',
      DWDM: ACME.slice(0, 6) + '********' + ACME.slice(14),
      TYDM: ACME[0] + '*'.repeat(16) + ACME[17],
      DJRQ: '********',
      ZT: '**',
      BZ: '备**字',
    });
    // without a check on its item, an item is text however it looks
    expect([...(await lookup('getDWJB')).maskKinds]).toEqual([['DJRQ', 'date']]);
  });

  describe('parameters', () => {
    let m: DeclaredLookup;
    beforeAll(async () => {
      m = await lookup('getDWXX');
    });
    const given = (raw: unknown): DeclaredParams['given'] => m.parse(raw).given;
    const badParam = async (raw: unknown) => {
      const e = await refusal(() => m.parse(raw));
      expect(e.kind).toBe('BAD_PARAM');
      return e.message;
    };

    it('gives the parameters in declaration order with their items and checks, each canonical by its check', () => {
      expect(given({ djrq: '20100101', rymc: '  张三 ' })).toEqual([
        { name: 'rymc', item: 'RYXM', check: undefined, value: '张三' },
        { name: 'djrq', item: 'DJRQ', check: '日期', value: '20100101' },
      ]);
      expect(given({ zt: '02', tydm: ACME.toLowerCase(), zjhm: ZHANG15 })).toEqual([
        { name: 'zjhm', item: 'ZJHM', check: '公民身份号码', value: ZHANG },
        { name: 'tydm', item: 'TYDM', check: '统一社会信用代码', value: ACME },
        { name: 'zt', item: 'ZT', check: '代码', value: '02' },
      ]);
      // 持证主体代码: a credit code or an ID number
      expect(given({ dwdm: ACME.toLowerCase() })).toEqual([{ name: 'dwdm', item: 'DWDM', check: '持证主体代码', value: ACME }]);
      expect(given({ dwdm: ZHANG15 })).toEqual([{ name: 'dwdm', item: 'DWDM', check: '持证主体代码', value: ZHANG }]);
    });

    it.each([
      [{ zjhm: ZHANG.slice(0, 17) + (ZHANG[17] === '1' ? '2' : '1') }, 'zjhm（证件号码） 公民身份号码校验位错误'],
      [{ zjhm: ZHANG, tydm: ACME.slice(0, 17) + (ACME[17] === '1' ? '2' : '1') }, 'tydm（信用代码） 统一社会信用代码校验位错误'],
      [{ dwdm: 'ABC' }, 'dwdm（单位代码） 须为统一社会信用代码或公民身份号码（统一社会信用代码长度应为18位，实际3位）'],
      [{ rymc: '张三', djrq: '2010-01-01' }, 'djrq（登记日期） 日期格式应为 YYYYMMDD'],
      [{ zjhm: ZHANG, zt: '03' }, 'zt（状态） 取值应为 01 / 02 之一'],
      [{ rymc: '   ', djrq: '20100101' }, 'rymc（人员姓名） 不能为空'],
      [{ zjhm: 370306 }, 'zjhm（证件号码） 类型错误，应为字符串'],
      [{ zjhm: ZHANG, ZJHM: ZHANG }, 'ZJHM 不是可识别的字段'],
    ])('refuses %j, naming the parameter and its item', async (raw, reason) => {
      expect(await badParam(raw)).toBe(`参数错误：${reason}`);
    });

    const GROUPS = '参数错误：zjhm（证件号码） 须且只能提供以下一组参数：zjhm（证件号码），或 rymc（人员姓名） 与 djrq（登记日期），或 dwdm（单位代码）';

    it.each([
      [{ zjhm: ZHANG }, ['zjhm']],
      [{ rymc: '张三', djrq: '20100101' }, ['rymc', 'djrq']],
      [{ dwdm: ACME }, ['dwdm']],
      // parameters in no group may come with any group
      [{ dwdm: ACME, zt: '01', tydm: ACME }, ['dwdm', 'tydm', 'zt']],
    ])('accepts exactly one whole group: %j', (raw, names) => {
      expect(given(raw).map((g) => g.name)).toEqual(names);
    });

    it.each([
      ['none', {}],
      ['only parameters in no group', { zt: '01', tydm: ACME }],
      ['part of a group', { rymc: '张三' }],
      ['the other part of it', { djrq: '20100101' }],
      ['two whole groups', { zjhm: ZHANG, dwdm: ACME }],
      ['a whole group and part of another', { zjhm: ZHANG, rymc: '张三' }],
      ['a whole group and part of another, either way', { rymc: '张三', djrq: '20100101', dwdm: ACME }],
      ['every group', { zjhm: ZHANG, rymc: '张三', djrq: '20100101', dwdm: ACME }],
    ])('refuses %s, listing the groups', async (_label, raw) => {
      expect(await badParam(raw)).toBe(GROUPS);
    });

    it('without groups, the required parameters decide', async () => {
      const jb = await lookup('getDWJB');
      expect(jb.parse({ rymc: '张三' }).given).toEqual([{ name: 'rymc', item: 'RYXM', check: undefined, value: '张三' }]);
      expect(jb.parse({ rymc: '张三', zt: '01' }).given.map((g) => g.value)).toEqual(['张三', '01']);
      expect((await refusal(() => jb.parse({ zt: '01' }))).message).toBe('参数错误：rymc（人员姓名） 缺少必填项');
      // the codes are this method's own (getDWXX allows 02)
      expect((await refusal(() => jb.parse({ rymc: '张三', zt: '02' }))).message).toBe('参数错误：zt（状态） 取值应为 01 之一');
    });

    it('is audited under the canonical ID number or code it names, otherwise under the method and its parameters', () => {
      expect(m.queryKey(m.parse({ zjhm: ZHANG15 }))).toBe(ZHANG);
      expect(m.queryKey(m.parse({ dwdm: ACME.toLowerCase(), zt: '01' }))).toBe(ACME);
      expect(m.queryKey(m.parse({ djrq: '20100101', rymc: ' 张三' }))).toBe('getDWXX:rymc=张三&djrq=20100101');
    });
  });

  it('an interface without a query declaration: JSON only, every call 503 接口未声明查询参数, no data', async () => {
    const m = await lookup('getDWSM');
    expect(m.name).toBe('getDWSM');
    expect(m.title).toBe('单位人员说明');
    expect(m.declared).toBe(true);
    expect(m.interfaces).toEqual(['json']);
    expect(m.fields).toEqual(ITEMS.map((i) => i.field));
    expect(m.maskKinds.size).toBe(0);
    const e = await refusal(() => m.parse({ zjhm: ZHANG }));
    expect([e.kind, e.message]).toEqual(['NOT_CONNECTED', '数据尚未接入：接口未声明查询参数']);
    expect(m.queryKey({ given: [] })).toBe('getDWSM');
    await expect(m.ensureConnected()).resolves.toBeUndefined();
    expect(await m.run(undefined as never, { given: [] }, '20260101')).toEqual([]);
  });

  describe('connection', () => {
    it('503 数据尚未接入 until an authoritative job completed a full run, asked again on every call until then', async () => {
      const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
      const m = await lookup('getDWXX');
      for (let i = 0; i < 2; i++) {
        const e = await refusal(() => m.ensureConnected());
        expect([e.kind, e.message]).toEqual(['NOT_CONNECTED', '数据尚未接入']);
      }
      await connect('job-a');
      try {
        // a refusal is not remembered: connected from the next call on, at the same instant
        await expect(m.ensureConnected()).resolves.toBeUndefined();
        // believed connected for a second without asking (a library stays connected once its job ran) …
        await disconnect('job-a');
        now.mockReturnValue(1_000_999);
        await expect(m.ensureConnected()).resolves.toBeUndefined();
        await expect((await lookup('getDWJB')).ensureConnected()).resolves.toBeUndefined();
        // … and asked again from then on
        now.mockReturnValue(1_001_000);
        expect((await refusal(() => m.ensureConnected())).kind).toBe('NOT_CONNECTED');
      } finally {
        await disconnect('job-a');
      }
    });

    it('answers the live records of its library whose items equal the given values', async () => {
      const row = (zjhm: string, ryxm: string, djrq: string, deleted = false) => ({ zjhm, ryxm, dwdm: ACME, tydm: ACME, djrq, zt: '01', bz: null, synced_at: 1, deleted, source_job: 'job-b' });
      const LI = idNumber('37030619920202002');
      await ctx.db(table).insert([row(ZHANG, '张三', '20100101'), row(LI, '张三', '20100102'), row(idNumber('37030619930303003'), '张三', '20100101', true)]);
      await connect('job-b');
      try {
        const m = await lookup('getDWXX');
        await m.ensureConnected();
        const answer = (raw: unknown) => m.run(undefined as never, m.parse(raw), '20260101');
        const zhang = { ZJHM: ZHANG, RYXM: '张三', DWDM: ACME, TYDM: ACME, DJRQ: '20100101', ZT: '01', BZ: null };
        expect(await answer({ zjhm: ZHANG15 })).toEqual([zhang]);
        expect(await answer({ rymc: '张三', djrq: '20100101' })).toEqual([zhang]);
        expect(await answer({ dwdm: ACME })).toEqual([zhang, { ...zhang, ZJHM: LI, DJRQ: '20100102' }]);
        expect(await answer({ dwdm: ACME, zt: '02' })).toEqual([]);
      } finally {
        await ctx.db(table).delete();
        await disconnect('job-b');
      }
    });
  });

  describe('read once per published row', () => {
    it('compiles a declaration once per row and method, again for another method or a new publication', async () => {
      await register(ctx.db, RSJ, registration({ code: '301010/00003', name: '单位人员缓存', interfaces: [{ ...DWXX, method: 'getHCXX' }, { ...DWJB, method: 'getHCJB' }] }));
      await publish(ctx.db, OPERATOR, '301010/00003');
      const compile = jest.spyOn(validation, 'compileSchema');
      const read = jest.spyOn(libraries, 'libraryOfResource');
      const xx = await lookup('getHCXX');
      const jb = await lookup('getHCJB');
      // each method keeps its own declaration (getHCJB has no groups)
      expect(jb.parse({ rymc: '张三' }).given.map((g) => g.name)).toEqual(['rymc']);
      expect((await refusal(() => xx.parse({ rymc: '张三' }))).message).toMatch(/须且只能提供以下一组参数/);
      await lookup('getHCXX');
      await lookup('getHCJB');
      await lookup('getHCXX');
      expect(compile).toHaveBeenCalledTimes(2);
      // the library: once for the row, whichever of its methods
      expect(read).toHaveBeenCalledTimes(1);
      expect(read).toHaveBeenCalledWith(ctx.db, '301010/00003');
      // another resource's row is read for itself, and the first one is still known
      await lookup('getDWXX');
      await lookup('getHCXX');
      const readsBefore = read.mock.calls.length;
      await lookup('getDWXX');
      await lookup('getHCXX');
      expect(read).toHaveBeenCalledTimes(readsBefore);

      // a revision published: a new row, read and compiled anew (here zt accepts 03, and BZ is no longer answered)
      const items = ITEMS.filter((i) => i.field !== 'BZ');
      const hcxx = { ...DWXX, method: 'getHCXX', query: { ...DWXX.query!, params: DWXX.query!.params.map((p) => (p.name === 'zt' ? { ...p, codes: ['01', '02', '03'] } : p)) } };
      await revise(ctx.db, RSJ, '301010/00003', registration({ code: '301010/00003', name: '单位人员缓存', items, interfaces: [hcxx, { ...DWJB, method: 'getHCJB' }] }));
      await publish(ctx.db, OPERATOR, '301010/00003');
      compile.mockClear();
      read.mockClear();
      const revised = await lookup('getHCXX');
      expect(compile).toHaveBeenCalledTimes(1);
      expect(read).toHaveBeenCalledTimes(1);
      expect(revised.fields).toEqual(['ZJHM', 'RYXM', 'DWDM', 'TYDM', 'DJRQ', 'ZT']);
      expect(revised.parse({ zjhm: ZHANG, zt: '03' }).given.map((g) => g.value)).toEqual([ZHANG, '03']);
    });

    it('a published row without a library answers the registration’s items and is never connected', async () => {
      const code = '301010/00004';
      await register(ctx.db, RSJ, registration({ code, name: '单位人员无库', interfaces: [{ ...DWXX, method: 'getWKXX' }] }));
      await publish(ctx.db, OPERATOR, code);
      const lib = libraries.libraryTableName(code);
      // as a resource published before libraries were recorded
      await ctx.db('library_columns').where({ resource_code: code }).delete();
      await ctx.db('libraries').where({ resource_code: code }).delete();
      const m = await lookup('getWKXX');
      expect(m.fields).toEqual(ITEMS.map((i) => i.field));
      await ctx.db('sync_jobs').insert({ id: 'job-w', target: lib, definition: JSON.stringify({ id: 'job-w' }), enabled: true, created_at: 1, updated_at: 1 });
      await ctx.db('sync_runs').insert({ job_id: 'job-w', mode: 'full', status: 'succeeded', started_at: 1, ended_at: 2 });
      expect((await refusal(() => m.ensureConnected())).kind).toBe('NOT_CONNECTED');
    });

    it('a retired resource’s method is no lookup', async () => {
      await register(ctx.db, RSJ, registration({ code: '301010/00005', name: '单位人员停用', interfaces: [{ ...DWJB, method: 'getTYJB' }] }));
      await publish(ctx.db, OPERATOR, '301010/00005');
      expect(await declaredLookup(ctx.db, 'getTYJB')).not.toBeNull();
      await retire(ctx.db, RSJ, '301010/00005', '测试停用');
      expect(await declaredLookup(ctx.db, 'getTYJB')).toBeNull();
    });
  });
});
