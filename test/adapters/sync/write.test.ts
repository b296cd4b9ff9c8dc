/**
 * The sync write's rules without a database: how source rows become target rows (mapping,
 * integers, validation, the delete flag, the hash that spots unchanged rows), and how a
 * driver error is reported or ends the batch.
 */
import { parseJob } from '../../../adapters/sync/jobs';
import { targetOf, TargetLibrary } from '../../../adapters/sync/targets';
import { baseLibrary } from '../../../catalog/libraries';
import { abortsTransaction, keyColumnOf, prepare, writeFailureReason } from '../../../adapters/sync/write';
import { entity, person } from '../../../scripts/demo/records';

const job = parseJob({
  id: 'unit',
  source: { csv: '/tmp/none.csv' },
  target: 'legal_entity',
  key: 'CODE',
  columns: { CODE: 'tyshxydm', NAME: 'jgmc', CAPITAL: 'zczb', FOUNDED: 'clrq' },
  deleteFlag: { column: 'DEL', value: 1 },
}, targetOf(baseLibrary('legal_entity')));

const CODE = entity(1, 0).TYSHXYDM; // a valid GB 32100 code from the demo generator

describe('sync write: prepare', () => {
  test('maps source columns, leaves unmapped ones out (a job writes only the items it maps), and turns integer columns into numbers', () => {
    const { good, rejects } = prepare(job, [{ CODE, NAME: '淄博测试有限公司', CAPITAL: '5000000', FOUNDED: '20200101', OTHER: 'x' }]);
    expect(rejects).toEqual([]);
    expect(good).toHaveLength(1);
    expect(good[0].pk).toBe(CODE);
    expect(good[0].business).toEqual({ tyshxydm: CODE, jgmc: '淄博测试有限公司', zczb: 5000000, clrq: '20200101' });
    expect(good[0].deleted).toBe(false);
  });

  test('rejects a row that breaks a field rule, naming the field, and keeps the raw row', () => {
    const raw = { CODE: CODE.slice(0, 17) + (CODE[17] === '0' ? '1' : '0'), NAME: '坏代码公司' };
    const { good, rejects } = prepare(job, [raw, { CODE, NAME: '' }, { CODE, NAME: 'x'.repeat(257) }]);
    expect(good).toEqual([]);
    expect(rejects.map((r) => r.reason.split(':')[0])).toEqual(['tyshxydm', 'jgmc', 'jgmc']);
    expect(rejects[0].raw).toBe(raw);
  });

  test('the hash changes with any business value and with the delete flag, not with other source columns', () => {
    const base = { CODE, NAME: '淄博测试有限公司', CAPITAL: 1 };
    const hash = (row: Record<string, unknown>) => prepare(job, [row]).good[0].hash;
    expect(hash({ ...base, OTHER: 'changed' })).toBe(hash(base));
    expect(hash({ ...base, CAPITAL: 2 })).not.toBe(hash(base));
    expect(hash({ ...base, DEL: 1 })).not.toBe(hash(base));
    expect(prepare(job, [{ ...base, DEL: '1' }]).good[0].deleted).toBe(true);
  });
});

describe('sync write: prepare, rule by rule', () => {
  const P = person(1, 0);

  test('integer columns: numbers from text, absent stays null, an empty text is no value', () => {
    expect(prepare(job, [{ CODE, NAME: 'n', CAPITAL: '12' }]).good[0].business.zczb).toBe(12);
    expect(prepare(job, [{ CODE, NAME: 'n' }]).good[0].business).toEqual({ tyshxydm: CODE, jgmc: 'n', zczb: null, clrq: null });
    expect(prepare(job, [{ CODE, NAME: 'n', CAPITAL: '' }]).good[0].business.zczb).toBeNull();
    expect(prepare(job, [{ CODE, NAME: 'n', CAPITAL: '1.5' }]).rejects.map((r) => r.reason)).toEqual(['zczb: 应为整数']);
    // text columns are never turned into numbers
    expect(prepare(job, [{ CODE, NAME: 123 }]).good[0].business.jgmc).toBe('123');
  });

  test('values are text as the source gives them, dates as ISO text', () => {
    const withTime = parseJob({ id: 'timed', source: { csv: '/tmp/none.csv' }, target: 'legal_entity', key: 'CODE', columns: { CODE: 'tyshxydm', NAME: 'jgmc' }, updateTime: 'GXSJ' }, targetOf(baseLibrary('legal_entity')));
    const [g] = prepare(withTime, [{ CODE, NAME: 'n', GXSJ: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) }]).good;
    expect(g.srcTime).toBe('2026-01-02T03:04:05.000Z');
    expect(prepare(withTime, [{ CODE, NAME: 'n', GXSJ: '2026-01-02 03:04:05.123456' }]).good[0].srcTime).toBe('2026-01-02 03:04:05.123456');
    expect(prepare(withTime, [{ CODE, NAME: 'n' }]).good[0].srcTime).toBeNull();
    // a job without an update time records none, whatever the row holds
    expect(prepare(job, [{ CODE, NAME: 'n', GXSJ: '2026-01-02 03:04:05' }]).good[0].srcTime).toBeNull();
  });

  test('a row without its key is rejected naming the key column', () => {
    const { good, rejects } = prepare(job, [{ NAME: 'n' }]);
    expect(good).toEqual([]);
    expect(rejects).toEqual([{ pk: null, reason: expect.stringMatching(/^tyshxydm: /), raw: { NAME: 'n' } }]);
  });

  test('the delete flag: its value compared as text, absent or other values are live, a job without a flag deletes nothing', () => {
    const flagged = (row: Record<string, unknown>, j = job) => prepare(j, [{ CODE, NAME: 'n', ...row }]).good[0].deleted;
    expect(flagged({ DEL: 1 })).toBe(true);
    expect(flagged({ DEL: '1' })).toBe(true);
    for (const v of [0, '0', null, undefined, '', '01', true]) expect([v, flagged({ DEL: v })]).toEqual([v, false]);
    const noFlag = parseJob({ id: 'noflag', source: { csv: '/tmp/none.csv' }, target: 'legal_entity', key: 'CODE', columns: { CODE: 'tyshxydm', NAME: 'jgmc' } }, targetOf(baseLibrary('legal_entity')));
    expect(flagged({ DEL: 1 }, noFlag)).toBe(false);
    const nullFlag = parseJob({ id: 'nullflag', source: { csv: '/tmp/none.csv' }, target: 'legal_entity', key: 'CODE', columns: { CODE: 'tyshxydm', NAME: 'jgmc' }, deleteFlag: { column: 'DEL', value: 'null' } }, targetOf(baseLibrary('legal_entity')));
    expect(flagged({ DEL: null }, nullFlag)).toBe(false);
    expect(flagged({ DEL: 'null' }, nullFlag)).toBe(true);
  });

  test('a job filling items of records it does not own: a flag clears its items (the key kept) and deletes nothing', () => {
    const fill = parseJob({ id: 'wj', source: { csv: '/tmp/none.csv' }, target: 'population', key: 'RYBH', columns: { RYBH: 'rybh', CSD: 'csd' }, deleteFlag: { column: 'DEL', value: 'Y' } }, targetOf(baseLibrary('population')));
    const [cleared, live] = prepare(fill, [{ RYBH: P.RYBH, CSD: '山东省淄博市', DEL: 'Y' }, { RYBH: P.RYBH, CSD: '山东省淄博市' }]).good;
    expect(cleared).toMatchObject({ pk: P.RYBH, business: { rybh: P.RYBH, csd: null }, deleted: false });
    expect(live).toMatchObject({ pk: P.RYBH, business: { rybh: P.RYBH, csd: '山东省淄博市' }, deleted: false });
    expect(cleared.hash).not.toBe(live.hash);
    // the owner of the records deletes them
    const owner = parseJob({ id: 'ga', source: { csv: '/tmp/none.csv' }, target: 'population', key: 'RYBH', columns: { RYBH: 'rybh', SFZH: 'gmsfzh', XM: 'xm' }, deleteFlag: { column: 'DEL', value: 'Y' } }, targetOf(baseLibrary('population')));
    expect(prepare(owner, [{ RYBH: P.RYBH, SFZH: P.GMSFZH, XM: P.XM, DEL: 'Y' }]).good[0]).toMatchObject({ deleted: true, business: { xm: P.XM } });
  });

  test('the hash covers the mapped columns in library order, whatever the order of the mapping', () => {
    const reordered = parseJob({ id: 'unit', source: { csv: '/tmp/none.csv' }, target: 'legal_entity', key: 'CODE', columns: { FOUNDED: 'clrq', NAME: 'jgmc', CAPITAL: 'zczb', CODE: 'tyshxydm' }, deleteFlag: { column: 'DEL', value: 1 } }, targetOf(baseLibrary('legal_entity')));
    const row = { CODE, NAME: 'n', CAPITAL: 5, FOUNDED: '20200101' };
    expect(prepare(reordered, [row]).good[0].hash).toBe(prepare(job, [row]).good[0].hash);
    expect(prepare(job, [{ CODE, NAME: 'a', CAPITAL: 1 }]).good[0].hash).not.toBe(prepare(job, [{ CODE, NAME: 'a', CAPITAL: null }]).good[0].hash);
  });
});

describe('sync write: prepare on a resource library', () => {
  // a library as a published resource gives it (catalog/libraries.ts): a key, a 是否 item, an integer
  const lib: TargetLibrary = {
    table: 'lib_test', resourceCode: 'R1', pk: 'bh', unique: [],
    columns: [{ name: 'bh', label: '编号', kind: 20, required: true }, { name: 'sfyx', label: '是否有效', kind: 'bool' }, { name: 'sl', label: '数量', kind: 'int' }, { name: 'je', label: '金额', kind: { digits: 10 } }, { name: 'bz', label: '备注', kind: 50 }],
  };
  const job = parseJob({ id: 'res', source: { csv: '/tmp/none.csv' }, target: 'lib_test', key: 'BH', columns: { BH: 'bh', SFYX: 'sfyx', SL: 'sl', JE: 'je', BZ: 'bz' }, deleteFlag: { column: 'DEL', value: 'undefined' } }, lib);

  test('a boolean item is stored as 1 or 0 whichever way the source writes it; absent stays null; anything else is rejected naming it', () => {
    const stored = (v: unknown) => prepare(job, [{ BH: 'A1', SFYX: v }]).good[0]?.business.sfyx;
    for (const v of [1, '1', true, 'true']) expect([v, stored(v)]).toEqual([v, 1]);
    for (const v of [0, '0', false, 'false']) expect([v, stored(v)]).toEqual([v, 0]);
    expect(stored(null)).toBeNull();
    expect(stored(undefined)).toBeNull();
    expect(prepare(job, [{ BH: 'A1', SFYX: '是' }]).rejects.map((r) => r.reason)).toEqual(['sfyx: 应为 1/0 或 true/false']);
  });

  test('an empty text is no value in a 是否, integer or decimal item (null, as MariaDB could not store it) and stays itself in a text item', () => {
    const [g] = prepare(job, [{ BH: 'A1', SFYX: '', SL: '', JE: '', BZ: '' }]).good;
    expect(g.business).toEqual({ bh: 'A1', sfyx: null, sl: null, je: null, bz: '' });
    // and the values beside it are still converted
    expect(prepare(job, [{ BH: 'A1', SFYX: 'true', SL: '12', JE: '3.50', BZ: 'x' }]).good[0].business).toEqual({ bh: 'A1', sfyx: 1, sl: 12, je: '3.50', bz: 'x' });
  });

  test('an absent flag is live even when the flag value is the text "undefined"', () => {
    expect(prepare(job, [{ BH: 'A1' }]).good[0].deleted).toBe(false);
    expect(prepare(job, [{ BH: 'A1', DEL: 'undefined' }]).good[0].deleted).toBe(true);
  });
});

describe('sync write: the key column', () => {
  test('is the source column mapped to the primary key, wherever it stands in the mapping', () => {
    expect(keyColumnOf(job)).toBe('CODE');
    const later = parseJob({ id: 'unit2', source: { csv: '/tmp/none.csv' }, target: 'legal_entity', key: 'CODE', columns: { NAME: 'jgmc', FOUNDED: 'clrq', CODE: 'tyshxydm' } }, targetOf(baseLibrary('legal_entity')));
    expect(keyColumnOf(later)).toBe('CODE');
  });
});

describe('sync write: driver errors', () => {
  test('a refused row is reported by kind, never with the driver text', () => {
    expect(writeFailureReason({ code: 'ER_DUP_ENTRY', message: "Duplicate entry '370306…' for key" })).toBe('写入失败：唯一约束冲突（如公民身份号码重复）');
    expect(writeFailureReason({ code: 'SQLITE_CONSTRAINT_NOTNULL' })).toBe('写入失败：必填列为空');
    expect(writeFailureReason({ code: 'ER_DATA_TOO_LONG' })).toBe('写入失败：值超出列长度');
    expect(writeFailureReason({ code: 'SQLITE_ERROR', message: 'whatever' })).toBe('写入失败：数据库拒绝该行');
  });

  test('contention and a lost connection end the batch (to be retried whole); a refused row does not', () => {
    for (const code of ['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY', 'PROTOCOL_CONNECTION_LOST', 'ECONNRESET']) expect(abortsTransaction({ code })).toBe(true);
    for (const code of ['ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE', 'ER_BAD_NULL_ERROR']) expect(abortsTransaction({ code })).toBe(false);
  });
});
