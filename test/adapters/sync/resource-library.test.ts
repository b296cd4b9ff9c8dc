/**
 * Sync jobs into a catalogue resource's library (not a base library), on SQLite and MariaDB:
 * the method is 待接入 until a full run completes; full and incremental runs; 一数一源 holds
 * (a second owner is refused, naming the owner); a 校核源 on an item whose field is over 40
 * characters (migration 850 widened verification's item to 64); a revision's new item is filled by a job
 * mapping just that item, leaving every other column of every record as it was.
 */
import { JobDefinition, saveJob } from '../../../adapters/sync/jobs';
import { SyncEngine } from '../../../adapters/sync/engine';
import { seedCatalogue } from '../../../catalog/seed';
import { listMethods } from '../../../catalog/metaservices';
import { isConnected, libraryOfResource } from '../../../catalog/libraries';
import { publish, register, revise } from '../../../catalog/lifecycle';
import { sampleRegistration } from '../../support/catalog';
import { publishedVersion } from '../../../catalog/resources';
import { departmentCodeByName } from '../../../catalog/gazette';
import {
  createSocialInsuranceTable, ensureSocialInsuranceResource, fillSocialInsurance, SOCIAL_INSURANCE_CODE, SOCIAL_INSURANCE_TABLE, socialInsuranceJob,
} from '../../../scripts/demo/social-insurance';
import { sourceTime } from '../../../scripts/demo/records';
import { STORAGE_TARGETS } from '../../support/databases';
import { testContext, TestContext } from '../../support/context';
import { frontEnd, FrontEnd, T0 } from '../../support/sync';

const LIB = 'lib_301010_00002';
const OPERATOR = { role: 'operator' as const, sub: 'op' };
/** 区税务局's contributions table: the source of 缴费基数 once the resource has that item */
const CONTRIBUTIONS = 'SW_SBJF';

describe.each(STORAGE_TARGETS)('a job into a resource library on %s', (target) => {
  let ctx: TestContext;
  let fe: FrontEnd;
  let engine: SyncEngine;
  let sourceRows: number;
  const source = () => fe.job().source;
  const run = async (id: string, mode: 'full' | 'incr') => {
    const outcome = await engine.runById(id, mode);
    if (outcome.status !== 'succeeded') throw new Error(`run ${id}: ${JSON.stringify(outcome)}`);
    return outcome.run;
  };
  const stateOfGetSBCB = async () => (await listMethods(ctx.db)).find((m) => m.method === 'getSBCB')?.state;

  beforeAll(async () => {
    ctx = await testContext(target);
    await seedCatalogue(ctx.db);
    fe = await frontEnd(target);
    await fe.insertPeople(0, 120);
    await createSocialInsuranceTable(fe.db);
    sourceRows = await fillSocialInsurance(fe.db);
    await ensureSocialInsuranceResource(ctx.db);
    engine = new SyncEngine(ctx.db);
  });
  afterAll(async () => {
    await fe.drop();
    await ctx.dispose();
  });

  it('is 待接入 until its job completes a full run, then 已接入; a full and an incremental run fill it', async () => {
    expect(sourceRows).toBe(40);
    expect(await stateOfGetSBCB()).toBe('待接入');
    await saveJob(ctx.db, socialInsuranceJob(source()));
    expect(await stateOfGetSBCB()).toBe('待接入'); // a job alone is no data path
    const full = await run('demo-social-insurance', 'full');
    expect(full).toMatchObject({ read: 40, written: 40, rejected: 0 });
    expect(await stateOfGetSBCB()).toBe('已接入');
    expect(await isConnected(ctx.db, SOCIAL_INSURANCE_CODE)).toBe(true);

    const src = await fe.db(SOCIAL_INSURANCE_TABLE).orderBy('GMSFZH');
    const lib = await ctx.db(LIB).orderBy('gmsfzh');
    expect(lib.map((r) => [r.gmsfzh, r.xm, r.cbzt, r.xzlx, r.cbrq, r.dwmc])).toEqual(src.map((r) => [r.GMSFZH, r.XM, r.CBZT, r.XZLX, r.CBRQ, r.DWMC]));

    const changed = src[5].GMSFZH;
    await fe.db(SOCIAL_INSURANCE_TABLE).where({ GMSFZH: changed }).update({ CBZT: '3', GXSJ: sourceTime(T0 + 50_000_000) });
    await fe.db(SOCIAL_INSURANCE_TABLE).where({ GMSFZH: src[6].GMSFZH }).update({ SCBZ: 1, GXSJ: sourceTime(T0 + 50_000_001) });
    const incr = await run('demo-social-insurance', 'incr');
    expect(incr).toMatchObject({ read: 2, written: 2, deleted: 1 });
    expect(await ctx.db(LIB).where({ gmsfzh: changed }).first()).toMatchObject({ cbzt: '3' });
    expect(Boolean(Number((await ctx.db(LIB).where({ gmsfzh: src[6].GMSFZH }).first()).deleted))).toBe(true);
  });

  it('rejects a row whose 日期 item is not YYYYMMDD, naming the column and the item', async () => {
    const bad = await fe.db(SOCIAL_INSURANCE_TABLE).orderBy('GMSFZH').offset(7).first();
    await fe.db(SOCIAL_INSURANCE_TABLE).where({ GMSFZH: bad.GMSFZH }).update({ CBRQ: '2020-1-1', GXSJ: sourceTime(T0 + 60_000_000) });
    const incr = await run('demo-social-insurance', 'incr');
    expect(incr).toMatchObject({ read: 1, rejected: 1 });
    expect((await ctx.db('sync_rejects').where({ job_id: 'demo-social-insurance' }).first()).reason).toBe('cbrq: 参保日期应为 YYYYMMDD');
  });

  it('refuses a second authoritative job claiming an owned item, naming the owning job and its department; a 校核源 is fine', async () => {
    const claim: JobDefinition = { ...socialInsuranceJob(source()), id: 'mz-claims-dwmc', department: departmentCodeByName('区民政局'), columns: { GMSFZH: 'gmsfzh', DWMC: 'dwmc' } };
    await expect(saveJob(ctx.db, claim)).rejects.toThrow('信息项 DWMC 已由任务 demo-social-insurance（区人社局）作为权威来源（一数一源）');
    await expect(saveJob(ctx.db, { ...claim, role: 'verify' })).resolves.toMatchObject({ role: 'verify', target: LIB });
    await ctx.db('sync_jobs').where({ id: 'mz-claims-dwmc' }).del();
    await expect(saveJob(ctx.db, { ...claim, target: 'resource:301010/09999' })).rejects.toThrow('字段 target 的库表 resource:301010/09999 不存在');
    await expect(saveJob(ctx.db, { ...claim, columns: { GMSFZH: 'gmsfzh', NOPE: 'jfjs' } })).rejects.toThrow(`目标列 jfjs 不在 ${LIB} 中`);
  });

  it('a 校核源 on a resource library: its values are compared with the owner\'s, differences listed, the library unchanged', async () => {
    const src = (await fe.db(SOCIAL_INSURANCE_TABLE).where({ SCBZ: 0 }).orderBy('GMSFZH').limit(5)) as Array<{ GMSFZH: string; XM: string }>;
    await fe.db.schema.createTable('MZ_SBXM', (t) => {
      t.string('SFZH', 18).primary();
      t.string('XM', 64);
    });
    await fe.db('MZ_SBXM').insert(src.map((r, i) => ({ SFZH: r.GMSFZH, XM: i === 2 ? `${r.XM}华` : r.XM })));
    const before = await ctx.db(LIB).orderBy('gmsfzh');
    await saveJob(ctx.db, {
      id: 'mz-sb-verify', department: departmentCodeByName('区民政局'), role: 'verify',
      source: { ...source(), table: 'MZ_SBXM' } as JobDefinition['source'],
      target: `resource:${SOCIAL_INSURANCE_CODE}`, key: 'SFZH', columns: { SFZH: 'gmsfzh', XM: 'xm' },
    });
    await run('mz-sb-verify', 'full');
    const open = await ctx.db('verification_differences').where({ source: 'mz-sb-verify' }).whereNull('closed_at').select('library', 'record_key', 'item', 'authoritative_value', 'authoritative_job', 'other_value', 'state');
    expect(open).toEqual([{ library: LIB, record_key: src[2].GMSFZH, item: 'xm', authoritative_value: src[2].XM, authoritative_job: 'demo-social-insurance', other_value: `${src[2].XM}华`, state: '待核实' }]);
    expect(await ctx.db(LIB).orderBy('gmsfzh')).toEqual(before);
    expect(await stateOfGetSBCB()).toBe('已接入'); // a 校核源's run connects nothing, and disconnects nothing
  });

  it('a 校核源 on an item whose field is over 40 characters records its values and differences under the whole name', async () => {
    const field = 'CBDW_TONGYI_SHEHUI_XINYONG_DAIMA_JI_MINGCHENG';
    const column = field.toLowerCase();
    expect(field.length).toBeGreaterThan(40);
    const code = '301010/00005';
    await register(ctx.db, OPERATOR, sampleRegistration({
      code,
      items: [sampleRegistration().items[0], { field, name: '参保单位统一社会信用代码及名称', data_type: 'C', length: 128, sensitive: false }],
      interfaces: [{ method: 'getCBDW', name: '参保单位查询', function: '用于查询参保单位' }],
    }));
    await publish(ctx.db, OPERATOR, code);
    const people = (await fe.db(SOCIAL_INSURANCE_TABLE).orderBy('GMSFZH').limit(3).select('GMSFZH')).map((r) => r.GMSFZH as string);
    for (const table of ['RS_CBDW', 'MZ_CBDW']) {
      await fe.db.schema.createTable(table, (t) => {
        t.string('SFZH', 18).primary();
        t.string('DW', 128);
        t.string('GXSJ', 26).notNullable();
      });
      await fe.db(table).insert(people.map((SFZH, i) => ({ SFZH, DW: table === 'MZ_CBDW' && i === 1 ? '91330100MA0000000X 另一单位' : `91330100MA000000${i}X 周村单位`, GXSJ: sourceTime(T0 + i) })));
    }
    const job = (id: string, table: string, department: string, role?: 'verify'): JobDefinition => ({
      id, department: departmentCodeByName(department), ...(role ? { role } : {}),
      source: { ...source(), table } as JobDefinition['source'],
      target: `resource:${code}`, key: 'SFZH', updateTime: 'GXSJ', columns: { SFZH: 'gmsfzh', DW: column },
    });
    await saveJob(ctx.db, job('rs-cbdw', 'RS_CBDW', '区人社局'));
    await saveJob(ctx.db, job('mz-cbdw', 'MZ_CBDW', '区民政局', 'verify'));
    expect(await run('rs-cbdw', 'full')).toMatchObject({ written: 3, rejected: 0 });
    expect(await run('mz-cbdw', 'full')).toMatchObject({ read: 3, rejected: 0 });
    expect((await ctx.db('verification_values').where({ job_id: 'mz-cbdw' }).distinct('item')).map((r) => r.item)).toEqual([column]);
    const open = await ctx.db('verification_differences').where({ source: 'mz-cbdw' }).whereNull('closed_at').select('library', 'record_key', 'item', 'other_value');
    expect(open).toEqual([{ library: 'lib_301010_00005', record_key: people[1], item: column, other_value: '91330100MA0000000X 另一单位' }]);
  });

  it('in a library declaring no required items, its one authoritative job creates the records; a second is refused naming it', async () => {
    const op = OPERATOR;
    await register(ctx.db, op, sampleRegistration({ interfaces: [{ method: 'getSBCX', name: '社保参保查询', function: '用于查询社会保险参保状态' }] })); // 301010/00001: key GMSFZH, nothing required
    await publish(ctx.db, op, '301010/00001');
    const over = (id: string, columns: Record<string, string>): JobDefinition => ({
      ...socialInsuranceJob(source()), id, department: departmentCodeByName('区人社局'), target: 'resource:301010/00001', columns,
    });
    await expect(saveJob(ctx.db, over('rs-a', { GMSFZH: 'gmsfzh', XM: 'xm' }))).resolves.toMatchObject({ target: 'lib_301010_00001' });
    await expect(saveJob(ctx.db, over('rs-b', { GMSFZH: 'gmsfzh', CBZT: 'cbzt' }))).rejects.toThrow(
      '字段 target 的库表 lib_301010_00001 未声明必填信息项，其记录只能由一个权威任务建立，已由任务 rs-a（区人社局）建立',
    );
    await expect(saveJob(ctx.db, { ...over('rs-b', { GMSFZH: 'gmsfzh', CBZT: 'cbzt' }), role: 'verify' })).resolves.toMatchObject({ role: 'verify' });
    expect(await run('rs-a', 'full')).toMatchObject({ written: 40, rejected: 0 });
  });

  it('a revision adds 缴费基数; a job mapping only it fills it and leaves every other column untouched, record by record', async () => {
    const reg = (await publishedVersion(ctx.db, SOCIAL_INSURANCE_CODE))!.registration;
    await revise(ctx.db, OPERATOR, SOCIAL_INSURANCE_CODE, { ...reg, items: [...reg.items, { field: 'JFJS', name: '缴费基数', data_type: 'Y', sensitive: false }] });
    await publish(ctx.db, OPERATOR, SOCIAL_INSURANCE_CODE);
    const people = (await fe.db(SOCIAL_INSURANCE_TABLE).orderBy('GMSFZH').select('GMSFZH')).map((r) => r.GMSFZH as string);
    await fe.db.schema.createTable(CONTRIBUTIONS, (t) => {
      t.string('SFZH', 18).primary();
      t.bigInteger('JS');
      t.string('GXSJ', 26).notNullable();
    });
    const filled = people.filter((_, i) => i % 4 === 0);
    await fe.db(CONTRIBUTIONS).insert(filled.map((SFZH, i) => ({ SFZH, JS: 3000 + i * 10, GXSJ: sourceTime(T0 + i) })));
    const before = await ctx.db(LIB).orderBy('gmsfzh');
    await saveJob(ctx.db, {
      id: 'sw-jfjs', department: departmentCodeByName('区税务局'),
      source: { ...source(), table: CONTRIBUTIONS } as JobDefinition['source'],
      target: `resource:${SOCIAL_INSURANCE_CODE}`, key: 'SFZH', updateTime: 'GXSJ',
      columns: { SFZH: 'gmsfzh', JS: 'jfjs' },
    });
    const r = await run('sw-jfjs', 'full');
    expect(r).toMatchObject({ read: filled.length, rejected: 0 });
    const after = await ctx.db(LIB).orderBy('gmsfzh');
    expect(after.map((x) => x.gmsfzh)).toEqual(before.map((x) => x.gmsfzh));
    const columns = Object.keys(before[0]).filter((c) => c !== 'synced_at');
    for (const [i, row] of after.entries()) {
      const n = filled.indexOf(row.gmsfzh);
      for (const c of columns) {
        if (c === 'jfjs') expect([row.gmsfzh, c, row[c] === null ? null : Number(row[c])]).toEqual([row.gmsfzh, c, n >= 0 ? 3000 + n * 10 : null]);
        else expect([row.gmsfzh, c, row[c]]).toEqual([row.gmsfzh, c, before[i][c]]);
      }
    }
    // the subset job neither creates records nor sweeps: the owner's next full run keeps 缴费基数
    await run('demo-social-insurance', 'full');
    expect(Number((await ctx.db(LIB).where({ gmsfzh: filled[1] }).first()).jfjs)).toBe(3010);
  });

  it('a revision removing an item hides it; its column and data stay', async () => {
    const reg = (await publishedVersion(ctx.db, SOCIAL_INSURANCE_CODE))!.registration;
    await revise(ctx.db, OPERATOR, SOCIAL_INSURANCE_CODE, { ...reg, items: reg.items.filter((i) => i.field !== 'DWMC') });
    await publish(ctx.db, OPERATOR, SOCIAL_INSURANCE_CODE);
    expect((await libraryOfResource(ctx.db, SOCIAL_INSURANCE_CODE))!.columns.find((c) => c.field === 'DWMC')).toMatchObject({ hidden: true });
    expect(Number((await ctx.db(LIB).whereNotNull('dwmc').count({ n: '*' }))[0].n)).toBeGreaterThan(0);
    // the owner's job, still mapping it, goes on
    await expect(run('demo-social-insurance', 'full')).resolves.toMatchObject({ rejected: 0 });
  });
});
