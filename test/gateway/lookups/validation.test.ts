/** Parameter checks run before any query: properties over generated ID numbers and credit codes. */
import fc from 'fast-check';
import { LOOKUP_METHODS } from '../../../gateway/lookups/methods';
import { ApiError } from '../../../core/result-codes';
import { checkShape, requireCreditCode, requireDeclared, requireHolderCode, requireIdNumber, requireName, requireText } from '../../../gateway/lookups/validation';
import type { QueryParam } from '../../../catalog/resources';
import { entity, person } from '../../../scripts/demo/records';

const getRKZP = LOOKUP_METHODS.get('getRKZP')!;
const getFRXX = LOOKUP_METHODS.get('getFRXX')!;

function reason(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (err instanceof ApiError) return err.message;
    throw err;
  }
}

describe('lookup parameter validation', () => {
  it('accepts every valid ID number (lower-case x too) and rejects every other check character', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000_000 }), fc.constantFrom(...'0123456789X'), (i, other) => {
        const id = person(20181009, i).GMSFZH;
        expect(getRKZP.parse({ xm: '张三', gmsfzh: id.toLowerCase() })).toEqual({ xm: '张三', gmsfzh: id });
        if (other !== id[17]) expect(reason(() => getRKZP.parse({ xm: '张三', gmsfzh: id.slice(0, 17) + other }))).toBe('参数错误：gmsfzh 公民身份号码校验位错误');
      }),
      { numRuns: 300 },
    );
  });

  it('upgrades 15-digit numbers of people born in the 1900s', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 32000 }), (i) => {
        const id = person(20181009, i).GMSFZH;
        fc.pre(id.slice(6, 8) === '19');
        expect(getRKZP.parse({ xm: '张三', gmsfzh: id.slice(0, 6) + id.slice(8, 17) })).toEqual({ xm: '张三', gmsfzh: id });
      }),
      { numRuns: 200 },
    );
  });

  it('accepts every valid credit code and rejects a changed check character', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(...'0123456789ABCDEFGHJKLMNPQRTUWXY'), (i, other) => {
        const code = entity(20181009, i).TYSHXYDM;
        expect(getFRXX.parse({ tyshxydm: code })).toEqual({ tyshxydm: code });
        if (other !== code[17]) expect(reason(() => getFRXX.parse({ tyshxydm: code.slice(0, 17) + other }))).toBe('参数错误：tyshxydm 统一社会信用代码校验位错误');
      }),
      { numRuns: 300 },
    );
  });

  it('names the offending parameter for shape errors', () => {
    expect(reason(() => getRKZP.parse({ xm: '张三', gmsfzh: 'x'.repeat(19) }))).toBe('参数错误：gmsfzh 长度不能超过18个字符');
    expect(reason(() => getRKZP.parse({ gmsfzh: '1' }))).toBe('参数错误：xm 缺少必填项');
    expect(reason(() => getRKZP.parse(null))).toBe('参数错误：body 应为 JSON 对象');
  });
});

describe('what a shape error says', () => {
  const shape = (method: string, raw: unknown) => reason(() => checkShape(method, raw));

  it('names the parameter and the broken rule, for each kind of rule', () => {
    expect(shape('getRKZP', { xm: '张三', gmsfzh: '1', sfzh: '1' })).toBe('参数错误：sfzh 不是可识别的字段');
    expect(shape('getRKZP', { xm: 1, gmsfzh: '1' })).toBe('参数错误：xm 类型错误，应为字符串');
    expect(shape('batchRKHY', { items: 'x' })).toBe('参数错误：items 类型错误，应为数组');
    expect(shape('batchRKHY', { items: [1] })).toBe('参数错误：items.0 类型错误，应为对象');
    expect(shape('getRKZP', { xm: '', gmsfzh: '1' })).toBe('参数错误：xm 不能为空');
    expect(shape('getFRXX', { jgmc: '名'.repeat(257) })).toBe('参数错误：jgmc 长度不能超过256个字符');
    expect(shape('getRKZP', { xm: '名'.repeat(65), gmsfzh: '1' })).toBe('参数错误：xm 长度不能超过64个字符');
    expect(shape('batchRKHY', { items: [] })).toBe('参数错误：items 不能为空列表');
    expect(shape('batchRKHY', { items: Array.from({ length: 1001 }, () => ({})) })).toBe('参数错误：items 最多1000项');
    expect(shape('getRKZP', { xm: '张三' })).toBe('参数错误：gmsfzh 缺少必填项');
    expect(shape('getRKZP', [])).toBe('参数错误：body 应为 JSON 对象');
    expect(shape('getRKZP', 'x')).toBe('参数错误：body 应为 JSON 对象');
  });

  it('takes the limits themselves', () => {
    expect(shape('getFRXX', { jgmc: '名'.repeat(256) })).toBeNull();
    expect(shape('batchRKHY', { items: Array.from({ length: 1000 }, () => ({})) })).toBeNull();
    expect(shape('getRKZP', { xm: '名'.repeat(64), gmsfzh: '1' })).toBeNull();
  });

  it('explains the alternatives of getFRXX and getDZZZ', () => {
    expect(shape('getFRXX', {})).toBe('参数错误：tyshxydm 须且只能提供 tyshxydm（统一社会信用代码）或 jgmc（机构名称）之一');
    expect(shape('getDZZZ', { zzbh: 'a', czztdm: 'b' })).toBe('参数错误：zzbh 须提供 zzbh（证照编号），或 czztdm（持证主体代码，可加 zzlxdm），二者不可同时提供');
    expect(shape('getDZZZ', { zzbh: 'a', zzlxdm: 'b' })).toBe('参数错误：zzbh 须提供 zzbh（证照编号），或 czztdm（持证主体代码，可加 zzlxdm），二者不可同时提供');
  });

  it('refuses a method without a schema', () => {
    expect(() => checkShape('getNothing', {})).toThrow('no parameter schema for getNothing');
  });
});

describe('the single-parameter rules', () => {
  it('trims names and free text and refuses blanks', () => {
    expect(requireName('xm', ' 张三 ')).toBe('张三');
    expect(reason(() => requireName('xm', ' \t'))).toBe('参数错误：xm 不能为空');
    expect(requireText('zzbh', ' ZC-1 ')).toBe('ZC-1');
    expect(reason(() => requireText('zzlxdm', '  '))).toBe('参数错误：zzlxdm 不能为空');
  });

  it('canonicalises ID numbers and credit codes or names the field', () => {
    expect(requireIdNumber('gmsfzh', '11010519491231002x')).toBe('11010519491231002X');
    expect(reason(() => requireIdNumber('sfz', '110105194912310021'))).toBe('参数错误：sfz 公民身份号码校验位错误');
    expect(requireCreditCode('tyshxydm', '91350100m000100y43')).toBe('91350100M000100Y43');
    expect(reason(() => requireCreditCode('code', '91350100M000100Y44'))).toBe('参数错误：code 统一社会信用代码校验位错误');
  });

  it('takes a holder code of either kind, and gives the reason of the rule the value looks closer to', () => {
    expect(requireHolderCode('czztdm', '110105491231002')).toBe('11010519491231002X');
    expect(requireHolderCode('czztdm', '91350100m000100y43')).toBe('91350100M000100Y43');
    const asCode = (why: string) => `参数错误：czztdm 须为统一社会信用代码或公民身份号码（${why}）`;
    expect(reason(() => requireHolderCode('czztdm', '1101051949123'))).toBe(asCode('统一社会信用代码长度应为18位，实际13位'));
    expect(reason(() => requireHolderCode('czztdm', '11010519491231'))).toBe('参数错误：czztdm 公民身份号码长度应为18位，实际14位');
    expect(reason(() => requireHolderCode('czztdm', '11010519491231002'))).toBe('参数错误：czztdm 公民身份号码长度应为18位，实际17位');
    expect(reason(() => requireHolderCode('czztdm', ' 110105194912310021 '))).toBe('参数错误：czztdm 公民身份号码校验位错误');
    expect(reason(() => requireHolderCode('czztdm', '11010519491231002x1'))).toBe(asCode('统一社会信用代码长度应为18位，实际19位'));
    expect(reason(() => requireHolderCode('czztdm', 'A1010519491231002X'))).toBe(asCode('统一社会信用代码校验位错误'));
    expect(reason(() => requireHolderCode('czztdm', '91350100M000100Y44'))).toBe(asCode('统一社会信用代码校验位错误'));
  });
});

describe('a declared parameter checked as its declaration says', () => {
  const param = (p: Partial<QueryParam>): QueryParam => ({ name: 'x', item: 'X', match: 'exact', ...p });

  it('applies GB 11643, GB 32100 and either, in their canonical forms', () => {
    expect(requireDeclared('gmsfzh', '11010519491231002x', param({ check: '公民身份号码' }))).toBe('11010519491231002X');
    expect(reason(() => requireDeclared('gmsfzh', '91350100M000100Y43', param({ check: '公民身份号码' })))).toMatch(/^参数错误：gmsfzh 公民身份号码/);
    expect(requireDeclared('tyshxydm', '91350100m000100y43', param({ check: '统一社会信用代码' }))).toBe('91350100M000100Y43');
    expect(reason(() => requireDeclared('tyshxydm', '11010519491231002X', param({ check: '统一社会信用代码' })))).toMatch(/^参数错误：tyshxydm 统一社会信用代码/);
    expect(requireDeclared('czztdm', '110105491231002', param({ check: '持证主体代码' }))).toBe('11010519491231002X');
    expect(requireDeclared('czztdm', '91350100m000100y43', param({ check: '持证主体代码' }))).toBe('91350100M000100Y43');
  });

  it('takes a date in its declared format only, and only a real one', () => {
    expect(requireDeclared('cbrq', '20200229', param({ check: '日期' }))).toBe('20200229'); // YYYYMMDD unless told
    expect(reason(() => requireDeclared('cbrq', '2020-02-29', param({ check: '日期' })))).toBe('参数错误：cbrq 日期格式应为 YYYYMMDD');
    expect(requireDeclared('cbrq', ' 2020-02-29 ', param({ check: '日期', date_format: 'YYYY-MM-DD' }))).toBe('2020-02-29');
    expect(reason(() => requireDeclared('cbrq', '20200229', param({ check: '日期', date_format: 'YYYY-MM-DD' })))).toBe('参数错误：cbrq 日期格式应为 YYYY-MM-DD');
    expect(reason(() => requireDeclared('cbrq', '20210229', param({ check: '日期' })))).toBe('参数错误：cbrq 不是有效的日期');
  });

  it('takes a code from its code list or its declared codes, trimmed', () => {
    expect(requireDeclared('xb', ' 2 ', param({ check: '代码', code_list: 'GB/T 2261.1' }))).toBe('2');
    expect(reason(() => requireDeclared('xb', '3', param({ check: '代码', code_list: 'GB/T 2261.1' })))).toBe('参数错误：xb 不是 GB/T 2261.1 中的代码');
    expect(requireDeclared('mz', '56', param({ check: '代码', code_list: 'GB/T 3304' }))).toBe('56');
    expect(reason(() => requireDeclared('mz', '57', param({ check: '代码', code_list: 'GB/T 3304' })))).toBe('参数错误：mz 不是 GB/T 3304 中的代码');
    expect(requireDeclared('cbzt', '1', param({ check: '代码', codes: ['1', '2'] }))).toBe('1');
    expect(reason(() => requireDeclared('cbzt', '3', param({ check: '代码', codes: ['1', '2'] })))).toBe('参数错误：cbzt 取值应为 1 / 2 之一');
    expect(reason(() => requireDeclared('cbzt', '  ', param({ check: '代码', codes: ['1'] })))).toBe('参数错误：cbzt 不能为空');
  });

  it('takes any other value as trimmed text, refusing a blank', () => {
    expect(requireDeclared('dwmc', ' 周村区某单位 ', param({}))).toBe('周村区某单位');
    expect(reason(() => requireDeclared('dwmc', ' ', param({})))).toBe('参数错误：dwmc 不能为空');
  });
});
