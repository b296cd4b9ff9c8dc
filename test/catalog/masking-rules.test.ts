/**
 * Each masking rule at its boundaries: how much of an ID number, a name, a date or other text
 * stays visible at every length, which rule each base-library item gets, what a masked item
 * implies, and how an answer is projected (granted items only, structure kept, order kept).
 */
import { effectiveMasks, IMPLIED_MASKS, maskDate, maskIdNumber, maskName, maskText, maskValue, projectRecord } from '../../catalog/masking';

const stars = (n: number) => '*'.repeat(n);

describe('ID numbers keep the area code and the last four characters', () => {
  it('at every length: all starred up to 10, then 6 + stars + 4', () => {
    const digits = '123456789012345678';
    for (let n = 0; n <= 18; n++) {
      const v = digits.slice(0, n);
      expect(maskIdNumber(v)).toBe(n <= 10 ? stars(n) : v.slice(0, 6) + stars(n - 10) + v.slice(-4));
    }
    expect(maskIdNumber('37030619900101123X')).toBe('370306********123X');
    expect(maskIdNumber('12345678901')).toBe('123456*8901');
  });
});

describe('names keep their first character', () => {
  it('at every length, counting characters, not UTF-16 units', () => {
    expect(maskName('')).toBe('*');
    expect(maskName('张')).toBe('*');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳明月')).toBe('欧***');
    expect(maskName('𠀋一')).toBe('𠀋*'); // an astral first character stays whole
    expect(maskName('王𠀋𠀋')).toBe('王**');
  });
});

describe('dates keep only their separators', () => {
  it('stars every digit', () => {
    expect(maskDate('19900101')).toBe('********');
    expect(maskDate('1990-01-01')).toBe('****-**-**');
    expect(maskDate('2026年1月')).toBe('****年*月');
  });
});

describe('other text keeps its first and last character', () => {
  it('at every length, counting characters', () => {
    expect(maskText('')).toBe('');
    expect(maskText('a')).toBe('*');
    expect(maskText('ab')).toBe('**');
    expect(maskText('abc')).toBe('a*c');
    expect(maskText('周村区丝绸路1号')).toBe('周******号');
    expect(maskText('𠀋中𠀋')).toBe('𠀋*𠀋');
    expect(maskText('𠀋𠀋')).toBe('**');
  });
});

describe('which rule an item gets', () => {
  it('by the registry: ID numbers, names, dates; anything else as text', () => {
    expect(maskValue('GMSFZH', '37030619900101123X')).toBe('370306********123X');
    expect(maskValue('CZZTDM', '91370306MA3C1234X5')).toBe('913703********34X5');
    expect(maskValue('XM', '张三丰')).toBe('张**');
    expect(maskValue('FDDBR', '李四')).toBe('李*');
    for (const f of ['CSRQ', 'CLRQ', 'ZZBFRQ', 'ZZYXQQSRQ', 'ZZYXQJZRQ']) expect(maskValue(f, '20200101')).toBe('********');
    expect(maskValue('HJD', '周村区丝绸路1号')).toBe('周******号');
    expect(maskValue('CSD', '山东淄博')).toBe('山**博');
    expect(maskValue('JGMC', '淄博某某有限公司')).toBe('淄******司');
    expect(maskValue('NOT_AN_ITEM', '12345678')).toBe('1******8');
  });

  it('masks numbers as their text and leaves absent values absent', () => {
    expect(maskValue('ZCZB', 5000)).toBe('5**0');
    expect(maskValue('XM', null)).toBeNull();
    expect(maskValue('XM', undefined)).toBeUndefined();
    expect(maskValue('XM', '')).toBe('*');
  });
});

describe('what a masked item implies', () => {
  it('a masked ID number masks the birth date; nothing else implies anything', () => {
    expect(IMPLIED_MASKS).toEqual({ GMSFZH: ['CSRQ'] });
    expect([...effectiveMasks(['GMSFZH'])]).toEqual(['GMSFZH', 'CSRQ']);
    expect([...effectiveMasks(['XM', 'GMSFZH'])]).toEqual(['XM', 'GMSFZH', 'CSRQ']);
    expect([...effectiveMasks(['CSRQ'])]).toEqual(['CSRQ']);
    expect([...effectiveMasks([])]).toEqual([]);
  });

  it('takes names of the object prototype as plain items', () => {
    expect([...effectiveMasks(['constructor', 'toString', '__proto__'])]).toEqual(['constructor', 'toString', '__proto__']);
  });

  it('leaves the caller’s list alone', () => {
    const masked = ['GMSFZH'];
    effectiveMasks(masked);
    expect(masked).toEqual(['GMSFZH']);
  });
});

describe('projecting an answer', () => {
  const FIELDS = ['GMSFZH', 'XM', 'CSRQ', 'HJD'];
  const record = { XH: 3, GMSFZH: '37030619900101123X', XM: '张三', CSRQ: '19900101', HJD: '周村区丝绸路1号', msg: 'ok' };

  it('keeps only the granted items, in the record’s order, and every key that is not an item', () => {
    expect(projectRecord(record, FIELDS, ['XM', 'GMSFZH'], [])).toEqual({ XH: 3, GMSFZH: '37030619900101123X', XM: '张三', msg: 'ok' });
    expect(Object.keys(projectRecord(record, FIELDS, ['HJD', 'XM'], []))).toEqual(['XH', 'XM', 'HJD', 'msg']);
    expect(projectRecord(record, FIELDS, [], [])).toEqual({ XH: 3, msg: 'ok' });
  });

  it('masks the masked items and what they imply, and only granted ones', () => {
    expect(projectRecord(record, FIELDS, FIELDS, ['GMSFZH'])).toEqual({
      XH: 3, GMSFZH: '370306********123X', XM: '张三', CSRQ: '********', HJD: '周村区丝绸路1号', msg: 'ok',
    });
    expect(projectRecord(record, FIELDS, ['XM', 'HJD'], ['HJD', 'GMSFZH'])).toEqual({ XH: 3, XM: '张三', HJD: '周******号', msg: 'ok' });
  });

  it('never masks a key that is not an item of the method', () => {
    expect(projectRecord({ msg: '操作成功', XM: '张三' }, ['XM'], ['XM'], ['msg', 'XM'])).toEqual({ msg: '操作成功', XM: '张*' });
  });
});
