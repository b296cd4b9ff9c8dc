/** Parameter checks run before any query: properties over generated ID numbers and credit codes. */
import fc from 'fast-check';
import { LOOKUP_METHODS } from '../../../gateway/lookups/methods';
import { ApiError } from '../../../core/result-codes';
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
