/**
 * Every rule of a purpose naming a 事项 (gateway/matter-purpose.ts), on each storage target:
 * which texts carry a code (the part before the first bar, trimmed, of the 事项编码 shape), and
 * that the code must exist and be implemented by the caller's own department, while free text
 * follows PURPOSE_FREE_TEXT.
 */
import { matterCodeOf, resolveMatterPurpose } from '../../gateway/matter-purpose';
import { addConsumer } from '../../catalog/consumers';
import { insertMatter, upsertMatters } from '../../catalog/matters/repository';
import { departmentCodeByName } from '../../catalog/gazette';
import { STORAGE_TARGETS } from '../support/databases';
import { testContext, TestContext } from '../support/context';

const GSJ = departmentCodeByName('区工商局');
const SYJ = departmentCodeByName('区食药局');

describe('the 事项 code of a purpose', () => {
  it.each([
    ['XK137', 'XK137'],
    ['XK137|张三申请个体工商户设立登记', 'XK137'],
    [' XK137 |说明', 'XK137'],
    ['XK137|说明|再说明', 'XK137'],
    ['GG001-2|说明', 'GG001-2'],
    ['A1', 'A1'],
    ['ABCDEFGH1', 'ABCDEFGH1'],
  ])('%s names %s', (text, code) => {
    expect(matterCodeOf(text)).toBe(code);
  });

  it.each([
    ['free text', '办理营业执照'],
    ['a code after the bar', '说明|XK137'],
    ['lower case', 'xk137|说明'],
    ['no digit after the letters', 'XK|说明'],
    ['nine letters', 'ABCDEFGHI1'],
    ['a code followed by text without a bar', 'XK137 说明'],
    ['an empty head', '|XK137'],
  ])('%s is free text', (_label, text) => {
    expect(matterCodeOf(text)).toBeNull();
  });
});

describe.each(STORAGE_TARGETS)('resolving a 事项 purpose on %s', (target) => {
  let ctx: TestContext;
  const reason = async (consumer: string, text: string, freeText: 'allow' | 'deny' = 'allow') => {
    const c = { ...ctx, config: { ...ctx.config, purposeFreeText: freeText } };
    try {
      return await resolveMatterPurpose(c, consumer, text);
    } catch (err) {
      return (err as Error).message;
    }
  };

  beforeAll(async () => {
    ctx = await testContext(target);
    await insertMatter(ctx.db, { code: 'XK137', name: '个体工商户设立登记（测试）', department_code: GSJ, kind: '行政许可', source: 'operator', result: null });
    await addConsumer(ctx.db, { id: 'gsj-window', name: '工商窗口（测试）', departmentCode: GSJ, methods: [] });
    await addConsumer(ctx.db, { id: 'syj-window', name: '食药窗口（测试）', departmentCode: SYJ, methods: [] });
    await addConsumer(ctx.db, { id: 'no-dept', name: '无部门（测试）', methods: [] });
  });
  afterAll(() => ctx.dispose());

  it('a 事项 of the caller’s department: the code is recorded and the text kept whole', async () => {
    expect(await reason('gsj-window', 'XK137|张三申请个体工商户设立登记')).toEqual({ text: 'XK137|张三申请个体工商户设立登记', matterCode: 'XK137' });
    expect(await reason('gsj-window', 'XK137', 'deny')).toEqual({ text: 'XK137', matterCode: 'XK137' });
  });

  it('an unknown code is refused, naming X-Purpose and the code', async () => {
    expect(await reason('gsj-window', 'XK999|说明')).toBe('参数错误：X-Purpose 事项编码 XK999 不存在');
  });

  it('a 事项 another department implements is refused, as it is for a caller of no department or none at all', async () => {
    const refused = '参数错误：X-Purpose 调用方所属部门不实施事项 XK137，不能以该事项为由查询';
    expect(await reason('syj-window', 'XK137|说明')).toBe(refused);
    expect(await reason('no-dept', 'XK137|说明')).toBe(refused);
    expect(await reason('nobody', 'XK137|说明')).toBe(refused);
  });

  it('free text passes unchanged while allowed and is refused when denied', async () => {
    expect(await reason('gsj-window', '办理营业执照')).toEqual({ text: '办理营业执照', matterCode: null });
    expect(await reason('gsj-window', '办理营业执照', 'deny')).toBe('参数错误：X-Purpose 须以事项编码开头：事项编码 或 事项编码|说明（百分号编码）');
  });

  const xk137 = (department: string) => ({ code: 'XK137', name: '个体工商户设立登记（测试）', department_code: department, kind: '行政许可', source: 'gazette' as const });
  const refusedTo = (code: string) => `参数错误：X-Purpose 调用方所属部门不实施事项 ${code}，不能以该事项为由查询`;

  it('decides afresh on the next call after a 事项 moves to another department or is registered', async () => {
    expect(await reason('gsj-window', 'XK137|说明')).toMatchObject({ matterCode: 'XK137' });
    expect(await reason('syj-window', 'XK137|说明')).toBe(refusedTo('XK137'));
    // the gazette re-imported with XK137 under 食药局
    await upsertMatters(ctx.db, [xk137(SYJ)]);
    expect(await reason('gsj-window', 'XK137|说明')).toBe(refusedTo('XK137'));
    expect(await reason('syj-window', 'XK137|说明')).toMatchObject({ matterCode: 'XK137' });
    await upsertMatters(ctx.db, [xk137(GSJ)]);
    expect(await reason('gsj-window', 'XK137|说明')).toMatchObject({ matterCode: 'XK137' });

    expect(await reason('gsj-window', 'XK888|说明')).toBe('参数错误：X-Purpose 事项编码 XK888 不存在');
    await insertMatter(ctx.db, { ...xk137(GSJ), code: 'XK888', source: 'operator', result: null });
    expect(await reason('gsj-window', 'XK888|说明')).toMatchObject({ matterCode: 'XK888' });
  });

  it('keeps a decision while the access version stands: a change by plain SQL counts once the version is raised', async () => {
    expect(await reason('gsj-window', 'XK137|说明')).toMatchObject({ matterCode: 'XK137' });
    await ctx.db('matters').where({ code: 'XK137' }).update({ department_code: SYJ });
    // kept: the decision is not read again per call (access-version.ts: plain SQL must raise the version)
    expect(await reason('gsj-window', 'XK137|说明')).toMatchObject({ matterCode: 'XK137' });
    await ctx.db('access_version').where({ id: 1 }).increment('version', 1);
    expect(await reason('gsj-window', 'XK137|说明')).toBe(refusedTo('XK137'));
    await upsertMatters(ctx.db, [xk137(GSJ)]);
  });
});
