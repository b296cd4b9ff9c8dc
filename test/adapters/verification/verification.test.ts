/**
 * 一数一源 and 多元校核 against a real front-end and gateway database (SQLite, and MariaDB
 * when MYSQL_URL is set): item ownership at definition, a job writing only its items, a
 * 校核源 that never touches the library, the intra-record rules, and resolving over HTTP.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { createApp } from '../../../scripts/app/app';
import { registry } from '../../../core/metrics';
import { JobDefinition, removeJob, saveJob } from '../../../adapters/sync/jobs';
import { SyncEngine } from '../../../adapters/sync/engine';
import { FRONTEND_TABLES } from '../../../scripts/demo/frontend';
import { person, personKey, sourceTime } from '../../../scripts/demo/records';
import { asRecorded, DELIBERATE_INCONSISTENCIES } from '../../../scripts/demo/inconsistencies';
import { CIVIL_AFFAIRS_TABLE, civilAffairsPeople, civilAffairsRecord, createCivilAffairsTable, DELIBERATE_DIFFERENCES, fillCivilAffairs } from '../../../scripts/demo/civil-affairs';
import { STORAGE_TARGETS } from '../../support/databases';
import { testContext, TestContext } from '../../support/context';
import { frontEnd, FrontEnd, SEED, T0 } from '../../support/sync';

const PEOPLE = 300;
const GA = 'ZC001';
const MZ = 'ZC002';
const WJ = 'ZC003';
/** 区卫健局's 出生医学证明 table: the source of 出生地 for every 10th person */
const BIRTHS = 'WJ_CSYXZM';
const births = Array.from({ length: PEOPLE / 10 }, (_, n) => ({ RYBH: personKey(n * 10), CSD: `山东省淄博市周村区妇幼保健院${n}`, GXSJ: sourceTime(T0 + n * 1000), SCBZ: 0 }));

describe.each(STORAGE_TARGETS)('一数一源 and 多元校核 on %s', (target) => {
  let ctx: TestContext;
  let fe: FrontEnd;
  let engine: SyncEngine;

  // 公安 owns every item but 出生地, which 区卫健局 owns (一数一源: items of one library split between two jobs)
  const { CSD: _birthPlace, ...gaColumns } = { RYBH: 'rybh', GMSFZH: 'gmsfzh', XM: 'xm', CSRQ: 'csrq', MZ: 'mz', XB: 'xb', JG: 'jg', CSD: 'csd', HJD: 'hjd' };
  const gaJob = (): JobDefinition => ({ ...fe.job({ id: 'ga' }), department: GA, columns: gaColumns });
  const jobOver = (table: string, department: string) => (id: string, columns: Record<string, string>, role?: 'verify'): JobDefinition => {
    const base = fe.job({ id });
    return { ...base, department, ...(role ? { role } : {}), source: { ...base.source, table } as JobDefinition['source'], columns };
  };
  const civilJob = jobOver(CIVIL_AFFAIRS_TABLE, MZ);
  const birthJob = jobOver(BIRTHS, WJ);
  const run = async (id: string, mode: 'full' | 'incr' = 'full') => {
    const outcome = await engine.runById(id, mode);
    if (outcome.status !== 'succeeded') throw new Error(`run ${id}: ${JSON.stringify(outcome)}`);
    return outcome.run;
  };
  /** every row of the library, every column, in key order */
  const library = async () => ctx.db('population').orderBy('rybh').select('*');
  const differences = (source?: string) => {
    const q = ctx.db('verification_differences').whereNull('closed_at').orderBy(['record_key', 'item']);
    if (source) q.where({ source });
    return q.select('record_key', 'item', 'authoritative_value', 'authoritative_job', 'department', 'other_value', 'source', 'state');
  };

  beforeAll(async () => {
    ctx = await testContext(target);
    fe = await frontEnd(target);
    const rows = [];
    for (let i = 0; i < PEOPLE; i++) rows.push({ ...asRecorded(person(SEED, i), i), GXSJ: sourceTime(T0 + i * 1000) });
    for (let i = 0; i < rows.length; i += 100) await fe.db(FRONTEND_TABLES.population).insert(rows.slice(i, i + 100));
    await createCivilAffairsTable(fe.db);
    await fillCivilAffairs(fe.db);
    await fe.db.schema.createTable(BIRTHS, (t) => {
      t.string('RYBH', 32).primary();
      t.string('CSD', 256);
      t.string('GXSJ', 26).notNullable();
      t.integer('SCBZ').notNullable().defaultTo(0);
    });
    await fe.db(BIRTHS).insert(births);
    const now = Date.now();
    await ctx.db('departments').insert([
      { code: GA, name: '区公安分局', kind: '部门', created_at: now },
      { code: MZ, name: '区民政局', kind: '部门', created_at: now },
      { code: WJ, name: '区卫健局', kind: '部门', created_at: now },
    ]);
    engine = new SyncEngine(ctx.db);
    await saveJob(ctx.db, gaJob());
    await run('ga');
  });
  afterAll(async () => {
    await fe.drop();
    await ctx.dispose();
  });

  it('refuses a second job claiming an owned item, naming the owning job and its department', async () => {
    const claim = saveJob(ctx.db, civilJob('mz-claims-hjd', { RYBH: 'rybh', HJD: 'hjd' }));
    await expect(claim).rejects.toThrow('信息项 HJD 已由任务 ga（区公安分局）作为权威来源');
    expect(await ctx.db('sync_jobs').where({ id: 'mz-claims-hjd' }).first()).toBeUndefined();
    // the same items as a 校核源, an unowned item, and the owner redefining itself are fine
    await expect(saveJob(ctx.db, civilJob('mz-check', { RYBH: 'rybh', HJD: 'hjd' }, 'verify'))).resolves.toMatchObject({ role: 'verify' });
    await expect(saveJob(ctx.db, birthJob('wj-csd', { RYBH: 'rybh', CSD: 'csd' }))).resolves.toMatchObject({ id: 'wj-csd' });
    await expect(saveJob(ctx.db, { ...gaJob(), batchSize: 50 })).resolves.toMatchObject({ batchSize: 50 });
    // once 卫健 owns 出生地, nobody else may take it — 公安 neither
    await expect(saveJob(ctx.db, { ...gaJob(), columns: { ...gaColumns, CSD: 'csd' } })).rejects.toThrow('信息项 CSD 已由任务 wj-csd（区卫健局）');
    await ctx.db('sync_jobs').whereIn('id', ['mz-check', 'wj-csd']).del();

    // two departments defining the same item at once: exactly one gets it
    const race = await Promise.allSettled(['race-a', 'race-b'].map((id) => saveJob(ctx.db, birthJob(id, { RYBH: 'rybh', CSD: 'csd' }))));
    expect(race.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    await ctx.db('sync_jobs').whereIn('id', ['race-a', 'race-b']).del();
  });

  it('flags the seeded intra-record inconsistencies and only those', async () => {
    const expected = Object.entries(DELIBERATE_INCONSISTENCIES)
      .map(([i, item]) => {
        const p = person(SEED, Number(i));
        const recorded = asRecorded(p, Number(i));
        return { record_key: personKey(Number(i)), item, authoritative_value: item === 'csrq' ? recorded.CSRQ : recorded.XB, authoritative_job: 'ga', department: GA, other_value: item === 'csrq' ? p.CSRQ : p.XB, source: `rule:${item}-gmsfzh`, state: '待核实' };
      })
      .sort((a, b) => a.record_key.localeCompare(b.record_key));
    expect(await differences()).toEqual(expected);

    // corrected at the source, the difference closes with the next run
    const fixed = Number(Object.keys(DELIBERATE_INCONSISTENCIES)[0]);
    await fe.db(FRONTEND_TABLES.population).where({ RYBH: personKey(fixed) }).update({ CSRQ: person(SEED, fixed).CSRQ, GXSJ: sourceTime(T0 + 10_000_000) });
    await run('ga', 'incr');
    expect((await differences()).map((d) => d.record_key)).toEqual(expected.slice(1).map((d) => d.record_key));
    expect(await ctx.db('verification_differences').where({ record_key: personKey(fixed) }).whereNotNull('closed_at')).toHaveLength(1);

    // a record the owner's full run no longer sees is deleted, and has nothing left to compare
    const gone = Number(Object.keys(DELIBERATE_INCONSISTENCIES)[1]);
    const row = await fe.db(FRONTEND_TABLES.population).where({ RYBH: personKey(gone) }).first();
    await fe.db(FRONTEND_TABLES.population).where({ RYBH: personKey(gone) }).del();
    await run('ga');
    expect((await differences()).map((d) => d.record_key)).toEqual(expected.slice(2).map((d) => d.record_key));
    await fe.db(FRONTEND_TABLES.population).insert({ ...row, GXSJ: sourceTime(T0 + 10_000_000) });
    await run('ga', 'incr');
    expect((await differences()).map((d) => d.record_key)).toEqual(expected.slice(1).map((d) => d.record_key));
  });

  it('keeps a job mapping a subset of items to those items, and its sweep deletes nothing', async () => {
    const before = await library();
    await saveJob(ctx.db, { ...birthJob('wj-csd', { RYBH: 'rybh', CSD: 'csd' }), errorLimit: { records: 10, percent: 100 } });
    expect((await run('wj-csd')).written).toBe(births.length);
    const birthPlace = new Map(births.map((b) => [b.RYBH, b.CSD]));
    const after = await library();
    expect(after).toHaveLength(before.length);
    for (const [i, row] of after.entries()) {
      for (const column of Object.keys(before[i])) {
        if (column === 'csd' || column === 'synced_at') continue;
        expect([row.rybh, column, row[column]]).toEqual([before[i].rybh, column, before[i][column]]);
      }
      expect([row.rybh, row.csd]).toEqual([before[i].rybh, birthPlace.get(row.rybh) ?? null]);
    }

    // the owner's next write keeps 卫健's item (the old upsert merged every column, nulling it)
    const changed = births[2].RYBH;
    await fe.db(FRONTEND_TABLES.population).where({ RYBH: changed }).update({ JG: '山东省淄博市张店区', GXSJ: sourceTime(T0 + 10_000_001) });
    await run('ga', 'incr');
    expect(await ctx.db('population').where({ rybh: changed }).first()).toMatchObject({ jg: '山东省淄博市张店区', csd: births[2].CSD });

    // 卫健 drops a person: its full run clears nothing of 公安's and deletes no record
    const dropped = births[3].RYBH;
    await fe.db(BIRTHS).where({ RYBH: dropped }).del();
    const live = async () => Number((await ctx.db('population').where({ deleted: false }).count({ n: '*' }).first())!.n);
    const liveBefore = await live();
    expect((await run('wj-csd')).deleted).toBe(0);
    expect(await live()).toBe(liveBefore);
    const kept = await ctx.db('population').where({ rybh: dropped }).first();
    expect([Boolean(Number(kept.deleted)), kept.csd]).toEqual([false, births[3].CSD]);

    // 卫健 flags a person deleted: it withdraws its item, the record stays
    const flagged = births[5].RYBH;
    await fe.db(BIRTHS).where({ RYBH: flagged }).update({ SCBZ: 1, GXSJ: sourceTime(T0 + 10_000_003) });
    await run('wj-csd', 'incr');
    const cleared = await ctx.db('population').where({ rybh: flagged }).first();
    expect([Boolean(Number(cleared.deleted)), cleared.csd, cleared.xm]).toEqual([false, null, person(SEED, 50).XM]);

    // a person not (yet) in the library is not created by the job that only fills items
    await fe.db(BIRTHS).insert({ RYBH: personKey(PEOPLE + 1), CSD: '山东省淄博市周村区', GXSJ: sourceTime(T0 + 10_000_004), SCBZ: 0 });
    expect((await run('wj-csd', 'incr')).rejected).toBe(1);
    expect(await ctx.db('population').where({ rybh: personKey(PEOPLE + 1) }).first()).toBeUndefined();
  });

  it('stores a 校核源 beside the library: exactly the expected 校核差异, the library unchanged column by column', async () => {
    const before = await library();
    await saveJob(ctx.db, civilJob('mz-check', { RYBH: 'rybh', XM: 'xm', MZ: 'mz', HJD: 'hjd' }, 'verify'));
    await run('mz-check');
    expect(await library()).toEqual(before);

    const people = civilAffairsPeople(PEOPLE);
    const expected = Object.entries(DELIBERATE_DIFFERENCES)
      .map(([position, item]) => {
        const i = people[Number(position)];
        const p = person(SEED, i);
        const theirs = civilAffairsRecord(p, Number(position));
        const key = item.toUpperCase() as 'XM' | 'MZ' | 'HJD';
        return { record_key: personKey(i), item, authoritative_value: p[key], authoritative_job: 'ga', department: GA, other_value: theirs[key], source: 'mz-check', state: '待核实' };
      })
      .sort((a, b) => a.record_key.localeCompare(b.record_key));
    expect(await differences('mz-check')).toEqual(expected);
    const values = Number((await ctx.db('verification_values').where({ job_id: 'mz-check' }).count({ n: '*' }).first())!.n);
    expect(values).toBe(people.length * 3);

    // 民政 corrects one: closed; 公安 changes another's address: a new difference
    const [agreed] = expected;
    await fe.db(CIVIL_AFFAIRS_TABLE).where({ RYBH: agreed.record_key }).update({ [agreed.item.toUpperCase()]: agreed.authoritative_value });
    await run('mz-check');
    const moved = personKey(people[0]);
    await fe.db(FRONTEND_TABLES.population).where({ RYBH: moved }).update({ HJD: '山东省淄博市周村区新址路1号', GXSJ: sourceTime(T0 + 10_000_002) });
    await run('ga', 'incr');
    const now = await differences('mz-check');
    expect(now.map((d) => `${d.record_key}.${d.item}`).sort()).toEqual([...expected.slice(1).map((d) => `${d.record_key}.${d.item}`), `${moved}.hjd`].sort());
    expect(now.find((d) => d.record_key === moved)).toMatchObject({ authoritative_value: '山东省淄博市周村区新址路1号', other_value: person(SEED, people[0]).HJD });

    // 民政 flags one deleted: its values are withdrawn and the difference closes
    const [, withdrawn] = expected;
    await fe.db(CIVIL_AFFAIRS_TABLE).where({ RYBH: withdrawn.record_key }).update({ SCBZ: 1, GXSJ: sourceTime(T0 + 10_000_005) });
    await run('mz-check', 'incr');
    expect((await differences('mz-check')).some((d) => d.record_key === withdrawn.record_key)).toBe(false);
    expect(await ctx.db('verification_values').where({ job_id: 'mz-check', record_key: withdrawn.record_key })).toEqual([]);
    await fe.db(CIVIL_AFFAIRS_TABLE).where({ RYBH: withdrawn.record_key }).update({ SCBZ: 0, GXSJ: sourceTime(T0 + 10_000_006) });
    await run('mz-check', 'incr');
    expect((await differences('mz-check')).some((d) => d.record_key === withdrawn.record_key)).toBe(true);
  });

  it('lists differences to the operator and the owning department, and audits who resolved one', async () => {
    const server = http.createServer(createApp(ctx));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dprs/admin/verify`;
    const key = ctx.config.jwt.keys[0];
    const token = (claims: Record<string, unknown>) => jwt.sign(claims, key.secret, { algorithm: 'HS256', keyid: key.kid, issuer: ctx.config.jwt.issuer, expiresIn: 300 });
    const call = async (path: string, claims: Record<string, unknown>, body?: unknown) => {
      const r = await fetch(base + path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${token(claims)}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as { msg: string; data: Array<Record<string, unknown>>; counts?: Array<Record<string, unknown>> } };
    };
    const operator = { sub: 'ops-1', role: 'operator' };
    try {
      const open = Number((await ctx.db('verification_differences').whereNull('closed_at').count({ n: '*' }).first())!.n);
      const all = await call('/differences?library=population', operator);
      expect(all.status).toBe(200);
      expect(all.body.data).toHaveLength(open);
      const hjd = await call('/differences?library=population&item=HJD&state=待核实', operator);
      expect(hjd.body.data.every((d) => d.item === 'HJD')).toBe(true);
      expect(hjd.body.counts).toEqual([{ library: 'population', item: 'HJD', source: 'mz-check', state: '待核实', count: hjd.body.data.length }]);

      // 公安 owns these items: its officer sees them, 民政's and consumers do not
      expect((await call('/differences', { sub: 'ga-1', role: 'department', dept: GA })).body.data).toHaveLength(open);
      expect((await call('/differences', { sub: 'mz-1', role: 'department', dept: MZ })).body.data).toHaveLength(0);
      expect((await call('/differences', { sub: 'zc-yichuang', role: 'consumer' })).status).toBe(403);
      expect((await call('/differences?state=done', operator)).body.msg).toContain('state');

      const id = hjd.body.data[0].id as number;
      expect((await call(`/differences/${id}/resolve`, { sub: 'mz-1', role: 'department', dept: MZ }, { state: '已确认' })).status).toBe(404);
      expect((await call(`/differences/${id}/resolve`, operator, { state: '已解决' })).body.msg).toContain('state');
      const resolved = await call(`/differences/${id}/resolve`, { sub: 'ga-1', role: 'department', dept: GA }, { state: '已确认', note: '已通知民政核对' });
      expect(resolved.body.data[0]).toMatchObject({ id, state: '已确认', resolved_by: 'ga-1', resolution_note: '已通知民政核对' });
      const stored = await ctx.db('verification_differences').where({ id }).first();
      expect(stored).toMatchObject({ state: '已确认', resolved_by: 'ga-1', resolution_note: '已通知民政核对' });
      expect(Number(stored.resolved_at)).toBeGreaterThan(0);
      expect((await call(`/differences/${id}`, operator)).body.data[0]).toMatchObject({ state: '已确认' });

      // the gauge counts open differences per library, item and state
      const metrics = await registry.metrics();
      expect(metrics).toContain('dprs_verification_differences{library="population",item="hjd",state="已确认"} 1');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('withdraws what a removed 校核源 said', async () => {
    expect((await differences('mz-check')).length).toBeGreaterThan(0);
    await removeJob(ctx.db, 'mz-check');
    expect(await differences('mz-check')).toEqual([]);
    expect(await ctx.db('verification_values').where({ job_id: 'mz-check' })).toEqual([]);
    expect((await differences()).every((d) => d.source.startsWith('rule:'))).toBe(true);
  });
});
