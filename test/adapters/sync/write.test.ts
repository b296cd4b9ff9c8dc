/**
 * The sync write's rules without a database: how source rows become target rows (mapping,
 * integers, validation, the delete flag, the hash that spots unchanged rows), and how a
 * driver error is reported or ends the batch.
 */
import { parseJob } from '../../../adapters/sync/jobs';
import { targetOf } from '../../../adapters/sync/targets';
import { baseLibrary } from '../../../catalog/libraries';
import { abortsTransaction, prepare, writeFailureReason } from '../../../adapters/sync/write';
import { entity } from '../../../scripts/demo/records';

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
