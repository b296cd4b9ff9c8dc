/**
 * The 校核 after an authoritative write, as statements: a library holding no 校核源 value and no
 * stored difference is not asked per key for either; the owners are read only to label a
 * finding; the savepoint is opened only when there is something to write — and what is found
 * is the same as when every read is made. A 数值 item is compared as a number, whichever way the
 * database writes it.
 */
import type { Knex } from 'knex';
import { Job, saveJob } from '../../../adapters/sync/jobs';
import { recheckAfterWrite } from '../../../adapters/verification/hook';
import { recheckRecords } from '../../../adapters/verification/compare';
import type { TargetLibrary } from '../../../adapters/sync/targets';
import { saveSourceValues } from '../../../adapters/verification/store';
import { person } from '../../../scripts/demo/records';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../../support/databases';

describe.each(STORAGE_TARGETS)('recheck after a write on %s', (target) => {
  let t: TestDatabase;
  let job: Job;
  const P = Array.from({ length: 3 }, (_, i) => person(5, i));
  /** P[i] as the library holds it; `csrq` other than the ID number's birth date breaks a rule */
  const record = (i: number, csrq = P[i].CSRQ) => ({ rybh: P[i].RYBH, gmsfzh: P[i].GMSFZH, xm: P[i].XM, csrq, source_job: 'ga', synced_at: 1, deleted: false });

  beforeEach(async () => {
    t = await freshDatabase(target);
    job = await saveJob(t.db, { id: 'ga', source: { csv: '/tmp/none.csv' }, target: 'population', key: 'RYBH', columns: { RYBH: 'rybh', SFZH: 'gmsfzh', XM: 'xm', CSRQ: 'csrq' } });
  });
  afterEach(() => t.drop());

  /** the statements a recheck of these keys sends, by what they touch */
  async function recheck(keys: string[]): Promise<string[]> {
    const sent: string[] = [];
    const seen = (q: { sql: string }) => sent.push(q.sql.toLowerCase());
    t.db.on('query', seen);
    try {
      await t.db.transaction((trx: Knex.Transaction) => recheckAfterWrite(trx, job, keys));
    } finally {
      t.db.off('query', seen);
    }
    return sent;
  }
  const perKey = (sent: string[], table: string) => sent.filter((s) => s.includes(`from \`${table}\` where`) && s.includes('`record_key` in')).length;
  const owners = (sent: string[]) => sent.filter((s) => s.includes('from `sync_jobs`')).length;
  const savepoints = (sent: string[]) => sent.filter((s) => s.startsWith('savepoint')).length;
  const open = () => t.db('verification_differences').whereNull('closed_at').orderBy('record_key').select('record_key', 'item', 'authoritative_job', 'source');

  it('nothing held, nothing found: no per-key reads, no owners, no savepoint', async () => {
    await t.db('population').insert([record(0), record(1)]);
    const sent = await recheck([P[0].RYBH, P[1].RYBH]);
    expect([perKey(sent, 'verification_values'), perKey(sent, 'verification_differences'), owners(sent), savepoints(sent)]).toEqual([0, 0, 0, 0]);
    expect(await open()).toEqual([]);
  });

  it('a finding is labelled with its owner and written in a savepoint; once held, differences are read by key and closed', async () => {
    await t.db('population').insert([record(0, '19000101'), record(1)]);
    const first = await recheck([P[0].RYBH, P[1].RYBH]);
    expect([owners(first), savepoints(first)]).toEqual([1, 1]);
    expect(await open()).toEqual([{ record_key: P[0].RYBH, item: 'csrq', authoritative_job: 'ga', source: 'rule:csrq-gmsfzh' }]);
    // mended: the stored difference is read by key and closed
    await t.db('population').where({ rybh: P[0].RYBH }).update({ csrq: P[0].CSRQ });
    const second = await recheck([P[0].RYBH]);
    expect([perKey(second, 'verification_differences'), savepoints(second)]).toEqual([1, 1]);
    expect(await open()).toEqual([]);
  });

  it('a 校核源 value held for the library is read by key and compared', async () => {
    await t.db('population').insert([record(0), record(2)]);
    await saveSourceValues(t.db, 'population', [{ jobId: 'mz', recordKey: P[2].RYBH, item: 'xm', value: '别的名字' }], 1);
    const sent = await recheck([P[0].RYBH, P[2].RYBH]);
    expect(perKey(sent, 'verification_values')).toBe(1);
    expect(await open()).toEqual([{ record_key: P[2].RYBH, item: 'xm', authoritative_job: 'ga', source: 'mz' }]);
  });

  it('a 数值 item agrees with a 校核源 value that differs only in trailing zeros', async () => {
    await t.db.schema.createTable('lib_amounts', (tb) => {
      tb.string('k', 32).primary();
      tb.decimal('amount', 12, 4);
      tb.boolean('deleted').notNullable().defaultTo(false);
    });
    const lib: TargetLibrary = { table: 'lib_amounts', resourceCode: 'test', pk: 'k', unique: [], columns: [{ name: 'k', label: '编号', kind: 32, required: true }, { name: 'amount', label: '金额', kind: { digits: 12 }, required: false }] };
    await t.db('lib_amounts').insert([{ k: 'a', amount: '1.5' }, { k: 'b', amount: '20' }, { k: 'c', amount: '3.25' }]);
    await saveSourceValues(t.db, 'lib_amounts', [
      { jobId: 'v', recordKey: 'a', item: 'amount', value: '1.50' },
      { jobId: 'v', recordKey: 'b', item: 'amount', value: '20.0' },
      { jobId: 'v', recordKey: 'c', item: 'amount', value: '3.2' },
    ], 1);
    expect(await t.db.transaction((trx: Knex.Transaction) => recheckRecords(trx, lib, ['a', 'b', 'c'], 1))).toEqual({ opened: 1, closed: 0 });
    expect(await t.db('verification_differences').select('record_key', 'authoritative_value', 'other_value')).toEqual([{ record_key: 'c', authoritative_value: '3.25', other_value: '3.2' }]);
  });
});
