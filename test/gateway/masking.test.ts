import { maskIdNumber, maskName, maskValue, projectRecord } from '../../gateway/masking';

describe('masking', () => {
  it('masks ID numbers and names', () => {
    expect(maskIdNumber('37030619900101123X')).toBe('370306********123X');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳明月')).toBe('欧***');
    expect(maskValue('HJD', '周村区丝绸路1号')).toBe('周******号');
    expect(maskValue('CSRQ', null)).toBeNull();
  });

  it('projects granted items in order and keeps structural keys', () => {
    const rec = { XH: 1, result_code: '200', HYJG: '一致', HYJGDM: '1' };
    expect(projectRecord(rec, ['HYJG', 'HYJGDM'], ['HYJG'], [])).toEqual({ XH: 1, result_code: '200', HYJG: '一致' });
    expect(projectRecord({ A: 'x', B: 'y' }, ['A', 'B'], null, [])).toEqual({ A: 'x', B: 'y' });
  });
});
