/** Time texts are shifted and bounded in the source's own format, so text comparison holds. */
import { compareCursors, likeSource, shiftTimeText } from '../../../adapters/sync/watermarks';

describe('source time texts', () => {
  it('shift by seconds keeping separator, fraction digits and Z', () => {
    expect(shiftTimeText('2026-03-01 00:00:30.123456', -60)).toBe('2026-02-28 23:59:30.123456');
    expect(shiftTimeText('2026-03-01T00:00:30Z', -5)).toBe('2026-03-01T00:00:25Z');
    expect(shiftTimeText('2026-03-01 00:00:30', 0)).toBe('2026-03-01 00:00:30');
    expect(() => shiftTimeText('1767225600', -5)).toThrow('无法识别的更新时间格式');
  });

  it('write the clock like the source so that text order matches time order', () => {
    const bound = likeSource('2026-03-01 12:00:00.000', '2026-02-01T08:00:00.000Z');
    expect(bound).toBe('2026-03-01T12:00:00.000Z');
    expect('2026-03-01T11:59:59.999Z' <= bound).toBe(true);
    expect('2026-03-01T12:00:00.001Z' <= bound).toBe(false);
    expect(likeSource('2026-03-01 12:00:00.000', '2026-02-01 08:00:00.000000')).toBe('2026-03-01 12:00:00.000');
  });

  it('order cursors by time, then key', () => {
    expect(compareCursors({ t: 'a', k: ['2'] }, { t: 'a', k: ['10'] })).toBe(1);
    expect(compareCursors({ t: 'b', k: null }, { t: 'a', k: ['9'] })).toBe(1);
    expect(compareCursors({ t: 'a', k: null }, { t: 'a', k: ['1'] })).toBe(-1);
    expect(compareCursors({ t: 'a', k: [10] }, { t: 'a', k: [2] })).toBe(1);
  });
});
