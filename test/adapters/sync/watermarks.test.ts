/** Time texts are shifted and bounded in the source's own format, so text comparison holds. */
import { compareCursors, getUpperBound, getWatermark, incrementalStart, likeSource, setUpperBound, setWatermark, shiftTimeText } from '../../../adapters/sync/watermarks';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../../support/databases';

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

describe('where an incremental run starts (incrementalStart)', () => {
  const mark = { t: '2026-03-01 12:00:00', k: ['RY9'] };

  it('without a look-back: at the watermark, key included', () => {
    expect(incrementalStart(mark, 0, null)).toBe(mark);
    expect(incrementalStart(mark, -5, '2026-03-01 11:00:00')).toBe(mark);
    expect(incrementalStart(mark, 0, '2026-03-01 11:00:00')).toBe(mark);
  });

  it('before the first completed run: a whole look-back before the watermark, from the first key', () => {
    expect(incrementalStart(mark, 60, null)).toEqual({ t: '2026-03-01 11:59:00', k: null });
  });

  it('after a run that read up to U: from U − look-back, never further back than watermark − look-back', () => {
    // U − 60 s lies between watermark − 60 s and the watermark
    expect(incrementalStart(mark, 60, '2026-03-01 12:00:30')).toEqual({ t: '2026-03-01 11:59:30', k: null });
    // U − 60 s before watermark − 60 s: bounded
    expect(incrementalStart(mark, 60, '2026-03-01 11:30:00')).toEqual({ t: '2026-03-01 11:59:00', k: null });
    // U − 60 s exactly watermark − 60 s
    expect(incrementalStart(mark, 60, '2026-03-01 12:00:00')).toEqual({ t: '2026-03-01 11:59:00', k: null });
  });

  it('once U − look-back reaches the watermark, nothing before it is read again', () => {
    expect(incrementalStart(mark, 60, '2026-03-01 12:01:00')).toBe(mark);
    expect(incrementalStart(mark, 60, '2026-03-01 12:05:00')).toBe(mark);
    // one second short of it: from there, all keys
    expect(incrementalStart(mark, 60, '2026-03-01 12:00:59')).toEqual({ t: '2026-03-01 11:59:59', k: null });
  });
});

describe('cursor order (compareCursors), every branch', () => {
  it('time first, then keys', () => {
    expect(compareCursors({ t: 'a', k: ['9'] }, { t: 'b', k: ['1'] })).toBe(-1);
    expect(compareCursors({ t: 'b', k: ['1'] }, { t: 'a', k: ['9'] })).toBe(1);
    expect(compareCursors({ t: 'a', k: ['1'] }, { t: 'a', k: ['1'] })).toBe(0);
  });

  it('no keys: equal to no keys, before any keys', () => {
    expect(compareCursors({ t: 'a', k: null }, { t: 'a', k: null })).toBe(0);
    expect(compareCursors({ t: 'a', k: ['1'] }, { t: 'a', k: null })).toBe(1);
    expect(compareCursors({ t: 'a', k: null }, { t: 'a', k: ['1'] })).toBe(-1);
  });

  it('numbers as numbers, text as text, key by key', () => {
    expect(compareCursors({ t: 'a', k: [2] }, { t: 'a', k: [10] })).toBe(-1);
    expect(compareCursors({ t: 'a', k: [10] }, { t: 'a', k: [10] })).toBe(0);
    expect(compareCursors({ t: 'a', k: ['10'] }, { t: 'a', k: ['2'] })).toBe(-1);
    expect(compareCursors({ t: 'a', k: ['b'] }, { t: 'a', k: ['a'] })).toBe(1);
    expect(compareCursors({ t: 'a', k: [1, 'b'] }, { t: 'a', k: [1, 'c'] })).toBe(-1);
    expect(compareCursors({ t: 'a', k: [1, 'c'] }, { t: 'a', k: [1, 'b'] })).toBe(1);
    expect(compareCursors({ t: 'a', k: [1, 5] }, { t: 'a', k: [1, 3] })).toBe(1);
    expect(compareCursors({ t: 'a', k: ['x', 2] }, { t: 'a', k: ['x', 2] })).toBe(0);
    // a number against text compares as text
    expect(compareCursors({ t: 'a', k: [10] }, { t: 'a', k: ['9'] })).toBe(-1);
  });
});

describe('time texts at their edges', () => {
  it('cross days, months, years and leap days, and keep what is not seconds', () => {
    expect(shiftTimeText('2024-02-29 00:00:00', -1)).toBe('2024-02-28 23:59:59');
    expect(shiftTimeText('2025-12-31 23:59:59.5', 1)).toBe('2026-01-01 00:00:00.5');
    expect(shiftTimeText('2026-03-01T10:20:30', 90)).toBe('2026-03-01T10:22:00');
    expect(shiftTimeText('2026-03-01 10:20:30Z', 3600)).toBe('2026-03-01 11:20:30Z');
  });

  it('refuse anything else, naming the text (cut)', () => {
    for (const bad of ['2026-03-01', '2026-03-01 10:20', 'x2026-03-01 10:20:30', '2026-03-01 10:20:30x', '2026-03-01_10:20:30', '2026-3-01 10:20:30'])
      expect(() => shiftTimeText(bad, 1)).toThrow(`无法识别的更新时间格式: ${bad}`);
    expect(() => shiftTimeText('y'.repeat(40), 1)).toThrow(new RegExp(`^无法识别的更新时间格式: y{32}$`));
  });

  it('a clock written like a sample that is no time text stays as it is', () => {
    expect(likeSource('2026-03-01 12:00:00.000', 'not a time')).toBe('2026-03-01 12:00:00.000');
    expect(likeSource('2026-03-01 12:00:00.000', '2026-02-01T08:00:00')).toBe('2026-03-01T12:00:00.000');
    expect(likeSource('2026-03-01 12:00:00.000', '2026-02-01 08:00:00Z')).toBe('2026-03-01 12:00:00.000Z');
  });
});

describe.each(STORAGE_TARGETS)('the stored watermark on %s', (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(target);
  });
  afterAll(() => t.drop());

  it('is absent before the first full run, and without an update time', async () => {
    expect(await getWatermark(t.db, 'none')).toBeNull();
    expect(await getUpperBound(t.db, 'none')).toBeNull();
    await t.db('sync_watermarks').insert({ job_id: 'blank', update_time: null, key_value: '["x"]', updated_at: 1 });
    expect(await getWatermark(t.db, 'blank')).toBeNull();
  });

  it('keeps time and keys as written, keys as JSON, replaces itself, and keeps the upper bound unless given one', async () => {
    await t.db.transaction((trx) => setWatermark(trx, 'j', { t: '2026-03-01 12:00:00.123', k: ['RY1', 7] }, '2026-03-01 12:05:00'));
    expect(await getWatermark(t.db, 'j')).toEqual({ t: '2026-03-01 12:00:00.123', k: ['RY1', 7] });
    expect(await getUpperBound(t.db, 'j')).toBe('2026-03-01 12:05:00');
    await t.db.transaction((trx) => setWatermark(trx, 'j', { t: '2026-03-01 12:01:00', k: null }));
    expect(await getWatermark(t.db, 'j')).toEqual({ t: '2026-03-01 12:01:00', k: null });
    expect(await getUpperBound(t.db, 'j')).toBe('2026-03-01 12:05:00');
    await setUpperBound(t.db, 'j', '2026-03-01 12:09:00');
    expect(await getUpperBound(t.db, 'j')).toBe('2026-03-01 12:09:00');
    expect(await getWatermark(t.db, 'j')).toEqual({ t: '2026-03-01 12:01:00', k: null });
    expect(Number((await t.db('sync_watermarks').where({ job_id: 'j' }).count({ n: '*' }).first())!.n)).toBe(1);
    // another job's watermark is its own
    await setUpperBound(t.db, 'other', '2026-01-01 00:00:00');
    expect(await getUpperBound(t.db, 'other')).toBeNull();
    expect(await getUpperBound(t.db, 'j')).toBe('2026-03-01 12:09:00');
  });

  it('is written inside the batch transaction: rolled back with it', async () => {
    await t.db
      .transaction(async (trx) => {
        await setWatermark(trx, 'rolled', { t: '2026-03-01 12:00:00', k: ['RY1'] });
        throw new Error('batch failed');
      })
      .catch(() => undefined);
    expect(await getWatermark(t.db, 'rolled')).toBeNull();
  });
});
