/**
 * writeBatch's bookkeeping, one batch at a time on each storage target (issue 17): what it
 * counts (read, written, unchanged, deleted, drift, rejected), what a full run stamps for its
 * sweep (every row it saw, rejected ones included) and an incremental one does not, rejects
 * recorded once per job, and a job filling another job's records.
 */
import type { Knex } from 'knex';
import { parseJob } from '../../../adapters/sync/jobs';
import { targetOf } from '../../../adapters/sync/targets';
import { baseLibrary } from '../../../catalog/libraries';
import { BatchOptions, writeBatch } from '../../../adapters/sync/write';
import { RunCounters, zeroCounters } from '../../../adapters/sync/runs';
import { entity, person } from '../../../scripts/demo/records';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../../support/databases';

const firms = parseJob({
  id: 'gs',
  source: { csv: '/tmp/none.csv' },
  target: 'legal_entity',
  key: 'CODE',
  columns: { CODE: 'tyshxydm', NAME: 'jgmc', CAPITAL: 'zczb' },
  deleteFlag: { column: 'DEL', value: 1 },
  updateTime: 'GXSJ',
}, targetOf(baseLibrary('legal_entity')));
const CODES = Array.from({ length: 6 }, (_, i) => entity(1, i).TYSHXYDM);
const firm = (i: number, over: Record<string, unknown> = {}) => ({ CODE: CODES[i], NAME: `测试公司${i}`, CAPITAL: 100 + i, GXSJ: `2026-01-0${i + 1} 00:00:00`, ...over });

describe.each(STORAGE_TARGETS)('writeBatch on %s', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await freshDatabase(target);
  });
  afterEach(() => t.drop());

  async function write(rows: Record<string, unknown>[], opts: Partial<BatchOptions> = {}): Promise<RunCounters> {
    const c = zeroCounters();
    await t.db.transaction((trx: Knex.Transaction) => writeBatch(trx, { job: firms, runId: 1, full: false, ...opts }, rows, c));
    return c;
  }
  const stored = async () =>
    (await t.db('legal_entity').orderBy('tyshxydm').select('tyshxydm', 'jgmc', 'zczb', 'deleted', 'seen_run', 'source_job', 'src_updated_at')).map((r) => ({
      ...r,
      deleted: Boolean(Number(r.deleted)),
      zczb: r.zczb === null ? null : Number(r.zczb),
      seen_run: r.seen_run === null ? null : Number(r.seen_run),
    }));

  it('counts what it read, wrote and found unchanged; a changed row is rewritten', async () => {
    expect(await write([firm(0), firm(1), firm(2)])).toMatchObject({ read: 3, written: 3, unchanged: 0, rejected: 0, deleted: 0 });
    expect(await write([firm(0), firm(1, { CAPITAL: 7 }), firm(2)])).toMatchObject({ read: 3, written: 1, unchanged: 2 });
    expect((await stored()).map((r) => [r.tyshxydm, r.zczb, r.source_job, r.src_updated_at])).toEqual([
      [CODES[0], 100, 'gs', '2026-01-01 00:00:00'],
      [CODES[1], 7, 'gs', '2026-01-02 00:00:00'],
      [CODES[2], 102, 'gs', '2026-01-03 00:00:00'],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
  });

  it('a full run stamps every row it saw, unchanged and rejected ones included; an incremental run stamps none', async () => {
    await write([firm(0), firm(1), firm(2)]);
    expect((await stored()).map((r) => r.seen_run)).toEqual([null, null, null]);
    // row 2 comes back with a name too long: rejected, but it still exists at the source
    const c = await write([firm(0), firm(1, { CAPITAL: 9 }), firm(2, { NAME: 'x'.repeat(300) })], { full: true, runId: 5 });
    expect(c).toMatchObject({ read: 3, written: 1, unchanged: 1, rejected: 1 });
    expect((await stored()).map((r) => r.seen_run)).toEqual([5, 5, 5]);
    await write([firm(0, { CAPITAL: 1 })], { runId: 6 });
    expect((await stored()).find((r) => r.tyshxydm === CODES[0])!.seen_run).toBe(5);
  });

  it('counts a deletion once: a flagged row that was live, not one already deleted or never stored', async () => {
    await write([firm(0), firm(1)]);
    expect(await write([firm(0, { DEL: 1 }), firm(3, { DEL: 1 })])).toMatchObject({ written: 2, deleted: 1 });
    expect(await write([firm(0, { DEL: 1 })])).toMatchObject({ written: 0, unchanged: 1, deleted: 0 });
    expect(await write([firm(0, { DEL: 1, CAPITAL: 5 })])).toMatchObject({ written: 1, deleted: 0 });
    expect((await stored()).map((r) => [r.tyshxydm, r.deleted])).toEqual(
      [[CODES[0], true], [CODES[1], false], [CODES[3], true]].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    // undeleted when it comes back
    expect(await write([firm(0)])).toMatchObject({ written: 1, deleted: 0 });
    expect((await stored()).find((r) => r.tyshxydm === CODES[0])!.deleted).toBe(false);
  });

  it('counts as drift the changed rows stamped before the watermark a full run began with, not those at or after it', async () => {
    await write([firm(0), firm(1), firm(2)]);
    const c = await write([firm(0, { CAPITAL: 1 }), firm(1, { CAPITAL: 1 }), firm(2, { CAPITAL: 1 }), firm(3)], { full: true, driftBefore: '2026-01-02 00:00:00' });
    expect(c).toMatchObject({ written: 4, drift: 1 });
    expect(await write([firm(0, { CAPITAL: 2 })], { full: true, driftBefore: null })).toMatchObject({ drift: 0 });
    // unchanged rows are no drift, however old
    expect(await write([firm(0, { CAPITAL: 2 })], { full: true, driftBefore: '2027-01-01 00:00:00' })).toMatchObject({ unchanged: 1, drift: 0 });
  });

  it('records a reject once per job: the same row rejected again for the same reason is neither stored nor counted again', async () => {
    const bad = firm(4, { NAME: '' });
    expect(await write([bad, firm(0)])).toMatchObject({ rejected: 1, written: 1 });
    expect(await write([bad])).toMatchObject({ rejected: 0 });
    // another reason, or the same row changed, is a new reject
    expect(await write([firm(4, { NAME: 'x'.repeat(300) })])).toMatchObject({ rejected: 1 });
    expect(await write([firm(4, { NAME: '', CAPITAL: 1 })])).toMatchObject({ rejected: 1 });
    // two rows of one batch rejected alike are one reject
    expect(await write([firm(5, { NAME: '' }), firm(5, { NAME: '' })])).toMatchObject({ rejected: 1 });
    const rows = await t.db('sync_rejects').where({ job_id: 'gs' }).orderBy('id');
    expect(rows.map((r) => [r.row_key, r.reason.split(':')[0]])).toEqual([
      [CODES[4], 'jgmc'],
      [CODES[4], 'jgmc'],
      [CODES[4], 'jgmc'],
      [CODES[5], 'jgmc'],
    ]);
    expect(JSON.parse(rows[0].raw)).toEqual(bad);
    // another job's identical reject is its own
    const other = { ...firms, id: 'gs2' };
    const c = zeroCounters();
    await t.db.transaction((trx: Knex.Transaction) => writeBatch(trx, { job: other, runId: 2, full: false }, [bad], c));
    expect(c.rejected).toBe(1);
    // a reject without a key is stored each time
    expect(await write([{ NAME: 'n' }])).toMatchObject({ rejected: 1 });
    expect(await write([{ NAME: 'n' }])).toMatchObject({ rejected: 1 });
  });

  it('a job filling items of another job’s records updates those that exist and rejects the others', async () => {
    const owner = parseJob({ id: 'ga', source: { csv: '/tmp/none.csv' }, target: 'population', key: 'RYBH', columns: { RYBH: 'rybh', SFZH: 'gmsfzh', XM: 'xm', CSD: 'csd' } }, targetOf(baseLibrary('population')));
    const fill = parseJob({ id: 'wj', source: { csv: '/tmp/none.csv' }, target: 'population', key: 'RYBH', columns: { RYBH: 'rybh', CSD: 'csd' } }, targetOf(baseLibrary('population')));
    const [a, b] = [person(1, 0), person(1, 1)];
    const run = async (job: typeof owner, rows: Record<string, unknown>[]) => {
      const c = zeroCounters();
      await t.db.transaction((trx: Knex.Transaction) => writeBatch(trx, { job, runId: 1, full: false }, rows, c));
      return c;
    };
    await run(owner, [{ RYBH: a.RYBH, SFZH: a.GMSFZH, XM: a.XM, CSD: '旧出生地' }]);
    expect(await run(fill, [{ RYBH: a.RYBH, CSD: '新出生地' }, { RYBH: b.RYBH, CSD: '新出生地' }])).toMatchObject({ written: 1, rejected: 1 });
    expect(await run(fill, [{ RYBH: a.RYBH, CSD: '新出生地' }])).toMatchObject({ written: 0, unchanged: 1 });
    const rows = await t.db('population').select('rybh', 'xm', 'csd', 'source_job');
    expect(rows).toEqual([{ rybh: a.RYBH, xm: a.XM, csd: '新出生地', source_job: 'ga' }]);
    expect((await t.db('sync_rejects').where({ job_id: 'wj' })).map((r) => r.reason)).toEqual([expect.stringContaining('库中尚无该记录')]);
  });
});
