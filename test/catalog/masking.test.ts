import { effectiveMasks, maskIdNumber, maskName, maskValue, projectRecord } from '../../catalog/masking';
import { syntheticPerson } from '../../catalog/examples';
import { checkIdNumber } from '../../schemas/checksums';

const PERSON_FIELDS = ['RYBH', 'GMSFZH', 'XM', 'CSRQ', 'MZ', 'XB', 'JG', 'CSD', 'HJD'];

/**
 * Every valid ID number (birth dates 1900–2029) consistent with what one answer shows: the
 * masked number's visible characters, and CSRQ and XB when they are shown in plain.
 */
function candidates(answer: Record<string, unknown>): number {
  const masked = String(answer.GMSFZH);
  // the rule shows the area code and the last four characters: the hidden part is the date
  expect(masked.slice(6, 14)).toBe('********');
  const shownDate = typeof answer.CSRQ === 'string' && /^\d{8}$/.test(answer.CSRQ) ? answer.CSRQ : null;
  let n = 0;
  for (let t = Date.UTC(1900, 0, 1); t < Date.UTC(2030, 0, 1); t += 86400000) {
    const date = new Date(t).toISOString().slice(0, 10).replace(/-/g, '');
    if (shownDate && date !== shownDate) continue;
    const id = masked.slice(0, 6) + date + masked.slice(14);
    if (checkIdNumber(id) !== null) continue;
    if (answer.XB !== undefined && (Number(id[16]) % 2 === 1 ? '1' : '2') !== answer.XB) continue;
    n++;
  }
  return n;
}

describe('masking (one rule for answers and documents)', () => {
  it('masks ID numbers, names, dates and other text', () => {
    expect(maskIdNumber('37030619900101123X')).toBe('370306********123X');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳明月')).toBe('欧***');
    expect(maskValue('HJD', '周村区丝绸路1号')).toBe('周******号');
    expect(maskValue('CSRQ', '19900101')).toBe('********');
    expect(maskValue('CSRQ', null)).toBeNull();
    expect(maskValue('CZZTDM', '91370306MA3C1234X5')).toBe('913703********34X5');
    expect(maskValue('FDDBR', '李样例')).toBe('李**');
    expect(maskValue('CBZT', '正常参保')).toBe('正**保'); // an item of no base library: text
  });

  it('projects granted items in order and keeps structural keys', () => {
    const rec = { XH: 1, result_code: '200', HYJG: '一致', HYJGDM: '1' };
    expect(projectRecord(rec, ['HYJG', 'HYJGDM'], ['HYJG'], [])).toEqual({ XH: 1, result_code: '200', HYJG: '一致' });
    expect(projectRecord({ A: 'x', B: 'y' }, ['A', 'B'], ['A', 'B'], [])).toEqual({ A: 'x', B: 'y' });
  });

  it('a masked ID number masks the birth date with it', () => {
    expect([...effectiveMasks(['GMSFZH'])].sort()).toEqual(['CSRQ', 'GMSFZH']);
    expect([...effectiveMasks(['XM'])]).toEqual(['XM']);
  });

  it('an ID number masked for a consumer who also receives CSRQ and XB cannot be completed from the same answer', () => {
    const p = syntheticPerson(7);
    const answer = projectRecord(p, PERSON_FIELDS, ['GMSFZH', 'CSRQ', 'XB'], ['GMSFZH']);
    expect(Object.keys(answer)).toEqual(['GMSFZH', 'CSRQ', 'XB']);
    expect(answer.GMSFZH).not.toBe(p.GMSFZH);
    expect(answer.CSRQ).not.toBe(p.CSRQ);
    // thousands of valid numbers fit what the answer shows; the real one is not singled out
    expect(candidates(answer)).toBeGreaterThan(1000);
    // what the rule must prevent: with the birth date shown, exactly one number fits
    expect(candidates({ ...answer, CSRQ: p.CSRQ })).toBe(1);
  });
});
