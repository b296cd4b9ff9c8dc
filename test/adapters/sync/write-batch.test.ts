/**
 * writeBatch's bookkeeping, one batch at a time on each storage target (issue 17): what it
 * counts (read, written, unchanged, deleted, drift, rejected), what a full run stamps for its
 * sweep (every row it saw, rejected ones included) and an incremental one does not, rejects
 * recorded once per job, and a job filling another job's records.
 */
import type { Knex } from 'knex';
import { Job, parseJob } from '../../../adapters/sync/jobs';
import type { SourceReader, SourceRow } from '../../../adapters/sources';
import { targetOf } from '../../../adapters/sync/targets';
import { baseLibrary } from '../../../catalog/libraries';
import { BatchOptions, writeBatch } from '../../../adapters/sync/write';
import { RunCounters, zeroCounters } from '../../../adapters/sync/runs';
import { saveSourceValues } from '../../../adapters/verification/store';
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

  it('stamps deleted_at on a deletion only, and clears it when the row comes back', async () => {
    await write([firm(0), firm(1, { DEL: 1 })]);
    const at = async () => new Map((await t.db('legal_entity').select('tyshxydm', 'deleted_at')).map((r) => [r.tyshxydm, r.deleted_at === null ? null : Number(r.deleted_at)]));
    expect((await at()).get(CODES[0])).toBeNull();
    expect((await at()).get(CODES[1])).toBeGreaterThan(0);
    await write([firm(1)]);
    expect((await at()).get(CODES[1])).toBeNull();
  });

  it('a row the sweep deleted that comes back unchanged is live again, and counted as written', async () => {
    await write([firm(0), firm(1)]);
    // as a full run's sweep leaves it: deleted, its hash untouched
    await t.db('legal_entity').where({ tyshxydm: CODES[0] }).update({ deleted: true, deleted_at: 1 });
    expect(await write([firm(0), firm(1)])).toMatchObject({ written: 1, unchanged: 1, deleted: 0 });
    expect((await stored()).map((r) => [r.tyshxydm, r.deleted])).toEqual([[CODES[0], false], [CODES[1], false]].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
  });

  it('an incremental batch stamps seen_run on none of its rows: unchanged, rejected or written', async () => {
    await write([firm(0), firm(1), firm(2)], { full: true, runId: 5 });
    const c = await write([firm(0), firm(1, { NAME: '' }), firm(2, { CAPITAL: 1 })], { runId: 6 });
    expect(c).toMatchObject({ unchanged: 1, rejected: 1, written: 1 });
    expect((await stored()).map((r) => r.seen_run)).toEqual([5, 5, 5]);
  });

  it('a reject keeps at most 256 characters of its key', async () => {
    const long = 'K'.repeat(300);
    expect(await write([firm(0, { CODE: long })])).toMatchObject({ rejected: 1 });
    expect(await write([firm(0, { CODE: long })])).toMatchObject({ rejected: 0 });
    const [r] = await t.db('sync_rejects').where({ job_id: 'gs' });
    expect(r.row_key).toBe('K'.repeat(256));
  });

  it('a first load (library empty when the run began) still updates a key written meanwhile, and inserts the rest', async () => {
    await write([firm(0)]);
    expect(await write([firm(0, { CAPITAL: 9 }), firm(1)], { full: true, targetWasEmpty: true })).toMatchObject({ written: 2, rejected: 0 });
    expect((await stored()).map((r) => [r.tyshxydm, r.zczb])).toEqual([[CODES[0], 109 - 100], [CODES[1], 101]].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
  });

  describe('people (公民身份号码 unique among live rows)', () => {
    const people = parseJob({ id: 'ga', source: { csv: '/tmp/none.csv' }, target: 'population', key: 'RYBH', columns: { RYBH: 'rybh', SFZH: 'gmsfzh', XM: 'xm' } }, targetOf(baseLibrary('population')));
    const P = Array.from({ length: 8 }, (_, i) => person(2, i));
    const row = (i: number, id = i) => ({ RYBH: P[i].RYBH, SFZH: P[id].GMSFZH, XM: P[i].XM });
    const put = async (rows: SourceRow[], opts: Partial<BatchOptions> = {}, job: Job = people) => {
      const c = zeroCounters();
      await t.db.transaction((trx: Knex.Transaction) => writeBatch(trx, { job, runId: 1, full: false, ...opts }, rows, c));
      return c;
    };
    /** a source holding `rows`, asked by key what became of a stored row */
    const sourceOf = (rows: SourceRow[]): SourceReader => ({
      rowsByKeys: async (column, values) => rows.filter((r) => values.includes(String(r[column]))),
    }) as Partial<SourceReader> as SourceReader;
    const live = async () => new Map((await t.db('population').where({ deleted: false }).select('rybh', 'gmsfzh')).map((r) => [r.rybh, r.gmsfzh]));

    it('a stored deleted row whose new version the database refuses stays deleted', async () => {
      await put([row(0), row(1)]);
      await t.db('population').where({ rybh: P[0].RYBH }).update({ deleted: true });
      // row 0 comes back claiming row 1's number: refused by the database (not looked up first)
      const c = await put([row(0, 1)], { targetWasEmpty: true });
      expect(c).toMatchObject({ written: 0, rejected: 1 });
      expect(await live()).toEqual(new Map([[P[1].RYBH, P[1].GMSFZH]]));
    });

    it.each([
      [4, 'settled'],
      [5, 'not settled'],
    ])('a chain of %i numbers, each moved to the previous person, asked of the source for at most 4 rounds: %s', async (n, outcome) => {
      await put(Array.from({ length: n + 1 }, (_, i) => row(i)));
      // the source now: person i holds person i+1's number, the last one a number nobody held
      const now = [...Array.from({ length: n }, (_, i) => row(i, i + 1)), row(n, 7)];
      const c = await put([now[0]], { reader: sourceOf(now) });
      const held = await live();
      if (outcome === 'settled') {
        expect(c).toMatchObject({ read: 1 + n, written: n + 1, rejected: 0 });
        expect(held).toEqual(new Map(now.map((r) => [r.RYBH, r.SFZH])));
      } else {
        // the fifth round is not taken: the last person is never asked about and keeps its number
        expect(c.read).toBe(n);
        expect(c.rejected).toBeGreaterThan(0);
        expect(held.get(P[n].RYBH)).toBe(P[n].GMSFZH);
      }
      // never one number held by two live people
      expect(new Set(held.values()).size).toBe(held.size);
    });

    it('a holder the source no longer has is deleted; a source that cannot look rows up leaves the claim rejected', async () => {
      await put([row(0), row(1)]);
      // person 1 is gone from the source; person 0 now holds its number
      expect(await put([row(0, 1)], { reader: sourceOf([row(0, 1)]) })).toMatchObject({ written: 1, deleted: 1, rejected: 0 });
      expect(await live()).toEqual(new Map([[P[0].RYBH, P[1].GMSFZH]]));
      await put([row(2), row(3)]);
      const file = { rowsByKeys: async () => null } as Partial<SourceReader> as SourceReader;
      expect(await put([row(2, 3)], { reader: file })).toMatchObject({ written: 0, rejected: 1 });
      expect(await put([row(2, 3)])).toMatchObject({ written: 0, rejected: 0 }); // no reader: rejected again (recorded once)
      // both stored people keep their own numbers (on MariaDB an upsert meeting person 3's number would merge into its row)
      expect(await live()).toEqual(new Map([[P[0].RYBH, P[1].GMSFZH], [P[2].RYBH, P[2].GMSFZH], [P[3].RYBH, P[3].GMSFZH]]));
    });

    it('a number held only by deleted rows is free: taken without asking anyone, whichever job stored them', async () => {
      await put([row(0)]);
      await put([row(1)], {}, { ...people, id: 'other' });
      await t.db('population').update({ deleted: true });
      expect(await put([row(2, 0)])).toMatchObject({ written: 1, rejected: 0 });
      expect(await put([row(3, 1)])).toMatchObject({ written: 1, rejected: 0 });
      expect(await live()).toEqual(new Map([[P[2].RYBH, P[0].GMSFZH], [P[3].RYBH, P[1].GMSFZH]]));
    });

    it('a first load compares what it inserted as written: a live record that breaks a rule is flagged, a deleted or refused one is not, nor compared with a 校核源', async () => {
      const checked = parseJob(
        { id: 'ga', source: { csv: '/tmp/none.csv' }, target: 'population', key: 'RYBH', columns: { RYBH: 'rybh', SFZH: 'gmsfzh', XM: 'xm', CSRQ: 'csrq' }, deleteFlag: { column: 'DEL', value: 1 } },
        targetOf(baseLibrary('population')),
      );
      const born = (i: number, csrq: string, over: SourceRow = {}) => ({ ...row(i), CSRQ: csrq, ...over });
      const first = { full: true, targetWasEmpty: true, runId: 1 };
      // a 校核源 says otherwise of 1's name: 1 is written deleted, so nothing is compared with it
      await saveSourceValues(t.db, 'population', [{ jobId: 'mz', recordKey: P[1].RYBH, item: 'xm', value: '别的名字' }], 1);
      // 0 breaks the rule, 1 too but is flagged deleted, 2 agrees with its number
      expect(await put([born(0, '19000101'), born(1, '19000102', { DEL: 1 }), born(2, P[2].CSRQ)], first, checked)).toMatchObject({ written: 3, rejected: 0 });
      // a later batch of the same load: 3 claims person 2's number (refused), 4 breaks the rule
      expect(await put([born(3, '19000103', { SFZH: P[2].GMSFZH }), born(4, '19000104')], first, checked)).toMatchObject({ written: 1, rejected: 1 });
      const open = await t.db('verification_differences').whereNull('closed_at').orderBy('record_key').select('record_key', 'item', 'authoritative_value', 'source');
      expect(open).toEqual([
        { record_key: P[0].RYBH, item: 'csrq', authoritative_value: '19000101', source: 'rule:csrq-gmsfzh' },
        { record_key: P[4].RYBH, item: 'csrq', authoritative_value: '19000104', source: 'rule:csrq-gmsfzh' },
      ].sort((a, b) => a.record_key.localeCompare(b.record_key)));
    });

    it('an update by a job mapping every item is compared as written; one mapping some items reads the records back', async () => {
      const everything = parseJob(
        { id: 'ga', source: { csv: '/tmp/none.csv' }, target: 'population', key: 'RYBH', columns: { RYBH: 'rybh', GMSFZH: 'gmsfzh', XM: 'xm', CSRQ: 'csrq', MZ: 'mz', XB: 'xb', JG: 'jg', CSD: 'csd', HJD: 'hjd' } },
        targetOf(baseLibrary('population')),
      );
      const whole = (i: number, over: SourceRow = {}) => ({ ...person(2, i), ...over });
      await put([whole(0), whole(1)], {}, everything);
      const readBack: string[] = [];
      const seen = (q: { sql: string }) => {
        if (/^select \* from [`"]?population[`"]? where [`"]?rybh[`"]? in/i.test(q.sql)) readBack.push(q.sql);
      };
      t.db.on('query', seen);
      try {
        // 0 now breaks the 出生日期 rule; 1 changes its address
        expect(await put([whole(0, { CSRQ: '19000101' }), whole(1, { HJD: '周村区新地址' })], {}, everything)).toMatchObject({ written: 2 });
        expect(readBack).toHaveLength(0);
        expect(await put([row(2)])).toMatchObject({ written: 1 });
        expect(await put([{ ...row(2), XM: '改名' }])).toMatchObject({ written: 1 });
        expect(readBack).toHaveLength(1);
      } finally {
        t.db.off('query', seen);
      }
      const open = await t.db('verification_differences').whereNull('closed_at').select('record_key', 'item', 'authoritative_value', 'source');
      expect(open).toEqual([{ record_key: P[0].RYBH, item: 'csrq', authoritative_value: '19000101', source: 'rule:csrq-gmsfzh' }]);
    });

    it("a number held by another job's record is refused without asking the source", async () => {
      const other = { ...people, id: 'other' };
      await put([row(0)], {}, other);
      let asked = 0;
      const reader = { rowsByKeys: async () => { asked++; return []; } } as Partial<SourceReader> as SourceReader;
      expect(await put([row(1, 0)], { reader })).toMatchObject({ written: 0, rejected: 1 });
      expect(asked).toBe(0);
      expect(await live()).toEqual(new Map([[P[0].RYBH, P[0].GMSFZH]]));
    });
  });

  it('a 校核源 writes nothing into the library: its values are kept beside it, its rejects recorded', async () => {
    await write([firm(0)]);
    const verify = parseJob({ id: 'jy', role: 'verify', source: { csv: '/tmp/none.csv' }, target: 'legal_entity', key: 'CODE', columns: { CODE: 'tyshxydm', NAME: 'jgmc' } }, targetOf(baseLibrary('legal_entity')));
    const before = await stored();
    const c = zeroCounters();
    await t.db.transaction((trx: Knex.Transaction) => writeBatch(trx, { job: verify, runId: 2, full: true }, [{ CODE: CODES[0], NAME: '另一个名称' }, { CODE: CODES[1], NAME: '新公司' }, { CODE: CODES[2], NAME: '' }], c));
    expect(c).toMatchObject({ read: 3, written: 2, rejected: 1 });
    expect(await stored()).toEqual(before);
    expect((await t.db('verification_values').where({ job_id: 'jy' }).orderBy('record_key').select('record_key', 'value')).map((r) => [r.record_key, r.value])).toEqual(
      [[CODES[0], '另一个名称'], [CODES[1], '新公司']].sort((a, b) => a[0].localeCompare(b[0])),
    );
    expect((await t.db('sync_rejects').where({ job_id: 'jy' })).map((r) => r.row_key)).toEqual([CODES[2]]);
  });
});
