/**
 * The officer's and operator's demand, 校核差异, gap and report pages at the API, on every
 * storage target: each route checks the role and the department (an officer of another
 * department is refused with a Chinese reason), a 附件2 form of several rows is filed whole
 * or not at all, and the report exports as CSV and XLSX.
 */
import path from 'node:path';
import { startServer, RunningServer } from '../../../scripts/app/server';
import { STORAGE_TARGETS } from '../../support/databases';
import { testContext, TestContext } from '../../support/context';
import { seedCatalogue } from '../../../catalog/seed';
import { addAccount } from '../../../gateway/accounts/accounts';
import { departmentCodeByName } from '../../../catalog/gazette';
import { saveJob } from '../../../adapters/sync/jobs';
import { finishRun, startRun, zeroCounters } from '../../../adapters/sync/runs';
import { insertDifferences } from '../../../adapters/verification/store';
import { demoJobs } from '../../../scripts/demo/jobs';
import { ensureSocialInsuranceResource } from '../../../scripts/demo/social-insurance';
import { addMaterial, seedMatters } from '../../../catalog/matters/service';

const PASSWORD = 'Zhoucun-2018-ok';

interface Session {
  cookie: string;
  csrf: string;
}

const row = (over: Record<string, unknown> = {}) => ({
  contact: '王敏', phone: '0533-6412345', provider_name: '区公安分局', resource_name: '人口户籍信息', item_names: ['姓名', '公民身份证号'],
  scenario: '社会救助对象户籍核验', frequency: '每日', system_name: '社会救助系统', system_network: '电子政务外网', ...over,
});

describe.each(STORAGE_TARGETS)('officer and operator pages at the API on %s', (target) => {
  let ctx: TestContext;
  let server: RunningServer;
  let base: string;
  let operator: Session;
  let police: Session; // 区公安分局's officer
  let civil: Session; // 区民政局's officer
  const POLICE = departmentCodeByName('区公安分局');
  const CIVIL = departmentCodeByName('区民政局');

  async function call(method: string, p: string, s: Session | null, body?: unknown) {
    const headers: Record<string, string> = {};
    if (s) Object.assign(headers, { cookie: s.cookie, 'x-csrf-token': s.csrf });
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const type = r.headers.get('content-type') ?? '';
    const raw = Buffer.from(await r.arrayBuffer());
    const json = type.startsWith('application/json') ? (JSON.parse(raw.toString('utf8')) as { msg: string; data: Array<Record<string, any>>; counts?: Array<Record<string, any>> }) : null;
    return { status: r.status, type, raw, body: json! };
  }

  async function signIn(username: string): Promise<Session> {
    const r = await fetch(base + '/dprs/workbench/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
    const cookies = r.headers.getSetCookie().map((c) => c.split(';')[0]);
    const body = (await r.json()) as { data: Array<{ csrf_token: string }> };
    return { cookie: cookies.join('; '), csrf: body.data[0].csrf_token };
  }

  beforeAll(async () => {
    ctx = await testContext(target);
    await seedCatalogue(ctx.db);
    await ensureSocialInsuranceResource(ctx.db); // 区人社局's resource, whose library a demo job fills
    for (const def of demoJobs(path.join(ctx.config.dataDir, 'frontend-demo.db'))) await saveJob(ctx.db, def);
    await seedMatters(ctx.db);
    // 社会团体登记 (区民政局) needs a 验资证明 no resource provides
    await addMaterial(ctx.db, { role: 'operator', sub: 'ops' }, 'XK037', { name: '验资证明', items: ['注册资金'], provider: '区财政局', usage: '查询', purpose: '核实注册资金' });
    await addAccount(ctx.db, { username: 'ops', role: 'operator', password: PASSWORD });
    await addAccount(ctx.db, { username: 'gaj', role: 'officer', departmentCode: POLICE, password: PASSWORD });
    await addAccount(ctx.db, { username: 'mzj', role: 'officer', departmentCode: CIVIL, password: PASSWORD });
    server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
    [operator, police, civil] = [await signIn('ops'), await signIn('gaj'), await signIn('mzj')];
  });
  afterAll(async () => {
    await server?.close();
    await ctx?.dispose();
  });

  it('files a 附件2 form of several rows: an officer for their unit, the operator on a unit’s behalf, all rows or none', async () => {
    const mine = await call('POST', '/dprs/catalog/demands/form', civil, { rows: [row(), row({ resource_name: '婚姻登记信息', provider_name: '区民政局', item_names: ['婚姻状况'] })] });
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((d) => [d.department_code, d.body.resource_name])).toEqual([[CIVIL, '人口户籍信息'], [CIVIL, '婚姻登记信息']]);

    const forOther = await call('POST', '/dprs/catalog/demands/form', civil, { department_code: POLICE, rows: [row()] });
    expect(forOther.status).toBe(403);
    expect(forOther.body.msg).toContain('只能填报本部门的数据');

    const before = Number(((await ctx.db('demands').count({ n: '*' })) as Array<{ n: unknown }>)[0].n);
    const bad = await call('POST', '/dprs/catalog/demands/form', operator, { department_code: 'ZC001', rows: [row(), row({ phone: 'call me', item_names: [] })] });
    expect(bad.status).toBe(400);
    expect(bad.body.data.map((e) => e.field).sort()).toEqual(['rows.1.item_names', 'rows.1.phone']);
    expect(Number(((await ctx.db('demands').count({ n: '*' })) as Array<{ n: unknown }>)[0].n)).toBe(before); // nothing of a refused form
    expect((await call('POST', '/dprs/catalog/demands/form', operator, { rows: [row()] })).body.data[0].field).toBe('department_code');

    const onBehalf = await call('POST', '/dprs/catalog/demands/form', operator, { department_code: 'ZC001', rows: [row({ item_names: ['姓名', '指纹'] }), row({ provider_name: '区民政局', resource_name: '婚姻登记信息' })] });
    expect(onBehalf.status).toBe(200);
    expect(onBehalf.body.data.map((d) => d.department_code)).toEqual(['ZC001', 'ZC001']);
    const recorded = await ctx.db('operator_actions').where({ action: 'demand.file' }).first('actor', 'target');
    expect(recorded).toEqual({ actor: 'ops', target: 'department:ZC001' });
  });

  it('shows an officer the demands addressed to their department, matched; another department’s are refused', async () => {
    const mine = await call('GET', `/dprs/catalog/demands/addressed/${POLICE}`, police);
    expect(mine.status).toBe(200);
    expect(mine.body.data.every((m) => m.provider_name === '区公安分局')).toBe(true);
    expect(mine.body.data.map((m) => [m.department_code, m.resource_code, m.missing])).toEqual([
      [CIVIL, '101001/00001', []],
      ['ZC001', '101001/00001', ['指纹']],
    ]);
    const theirs = await call('GET', `/dprs/catalog/demands/addressed/${POLICE}`, civil);
    expect(theirs.status).toBe(403);
    expect(theirs.body.msg).toContain('只能查看本部门的数据');
    expect((await call('GET', `/dprs/catalog/demands/addressed/${CIVIL}`, operator)).body.data.map((m) => m.resource_name)).toEqual(['婚姻登记信息', '婚姻登记信息']);
  });

  it('lets an officer list the 校核差异 of their items with counts and resolve one; not another department’s', async () => {
    await insertDifferences(ctx.db, 'population', [
      { recordKey: 'P001', item: 'xm', authoritativeValue: '张三', authoritativeJob: 'demo-population', department: POLICE, otherValue: '张叁', source: 'demo-civil-verify' },
      { recordKey: 'P002', item: 'xm', authoritativeValue: '李四', authoritativeJob: 'demo-population', department: POLICE, otherValue: '李泗', source: 'demo-civil-verify' },
      { recordKey: 'P003', item: 'hyzk', authoritativeValue: '10', authoritativeJob: 'demo-civil', department: CIVIL, otherValue: '20', source: 'demo-population' },
    ], Date.now());
    const list = await call('GET', '/dprs/admin/verify/differences', police);
    expect(list.status).toBe(200);
    expect(list.body.data.map((d) => d.record_key)).toEqual(['P001', 'P002']);
    expect(list.body.counts).toEqual([{ library: 'population', item: 'XM', source: 'demo-civil-verify', state: '待核实', count: 2 }]);
    const id = list.body.data[0].id as number;
    const resolved = await call('POST', `/dprs/admin/verify/differences/${id}/resolve`, police, { state: '已确认', note: '户籍底册有误，已通知派出所更正' });
    expect(resolved.status).toBe(200);
    expect(resolved.body.data[0]).toMatchObject({ state: '已确认', resolved_by: 'gaj', resolution_note: '户籍底册有误，已通知派出所更正' });
    const civilsOwn = (await call('GET', '/dprs/admin/verify/differences', civil)).body.data;
    expect(civilsOwn.map((d) => d.record_key)).toEqual(['P003']);
    // another department's difference: as absent as a missing one (the verification module tells nothing of it)
    const foreign = await call('POST', `/dprs/admin/verify/differences/${civilsOwn[0].id}/resolve`, police, { state: '已忽略', note: '试试' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.msg).toContain('没有该校核差异');
  });

  it('reports per department, exportable as CSV and XLSX; an officer reads their own row only', async () => {
    const job = (await ctx.db('sync_jobs').where({ id: 'demo-population' }).first('id')) as { id: string };
    const ok = await startRun(ctx.db, job.id, 'full');
    await finishRun(ctx.db, ok, 'succeeded', zeroCounters(), null);
    const failed = await startRun(ctx.db, job.id, 'incr');
    await finishRun(ctx.db, failed, 'failed', zeroCounters(), 'source unreachable');

    const report = await call('GET', '/dprs/workbench/api/report', operator);
    expect(report.status).toBe(200);
    const police = report.body.data[0].departments.find((d: { department_code: string }) => d.department_code === POLICE);
    expect(police).toMatchObject({ department_name: '区公安分局', registered: 1, published: 1, with_data: 1, fresh: 1, stale: 0, sync_runs: 2, sync_succeeded: 1, sync_rate: 0.5, demands: 2, demands_met: 1 });

    const csv = await call('GET', '/dprs/workbench/api/report?format=csv', operator);
    expect(csv.type).toContain('text/csv');
    const lines = csv.raw.toString('utf8').replace(/^\ufeff/, '').split('\r\n');
    expect(lines[0]).toBe('部门资源与数据情况统计表');
    expect(lines[2]).toMatch(/^部门代码,部门名称,登记资源,已发布,有数据,/);
    expect(lines.find((l) => l.startsWith(`${POLICE},`))).toBe(`${POLICE},区公安分局,1,1,1,1,0,2,1,50.0%,2,1`);
    const xlsx = await call('GET', '/dprs/workbench/api/report?format=xlsx', operator);
    expect(xlsx.type).toContain('spreadsheetml');
    expect(xlsx.raw.subarray(0, 2).toString()).toBe('PK');

    // the last success long ago: the same data is now overdue against its 更新周期
    await ctx.db('sync_runs').where({ id: ok }).update({ ended_at: Date.now() - 400 * 86400000 });
    const later = (await call('GET', '/dprs/workbench/api/report', operator)).body.data[0].departments.find((d: { department_code: string }) => d.department_code === POLICE);
    expect(later).toMatchObject({ with_data: 1, fresh: 0, stale: 1 });
    await ctx.db('sync_runs').where({ id: ok }).update({ ended_at: Date.now() });

    const own = await call('GET', `/dprs/workbench/api/report?department=${CIVIL}`, civil);
    expect(own.body.data[0].departments.map((d: { department_code: string }) => d.department_code)).toEqual([CIVIL]);
    for (const asked of [`?department=${POLICE}`, '']) {
      const refused = await call('GET', `/dprs/workbench/api/report${asked}`, civil);
      expect(refused.status).toBe(403);
      expect(refused.body.msg).toContain('只能查看本部门的数据');
    }
    expect((await call('GET', '/dprs/workbench/api/report?format=pdf', operator)).body.msg).toContain('format');
  });

  it('gives the operator the gap list: unmet demands and materials not yet 可免提交; not to officers', async () => {
    const gaps = await call('GET', '/dprs/workbench/api/gaps', operator);
    expect(gaps.status).toBe(200);
    const { demands, materials } = gaps.body.data[0];
    expect(demands.map((d: { resource_name: string; missing: string[] }) => [d.resource_name, d.missing])).toEqual([
      ['婚姻登记信息', ['婚姻状况']],
      ['人口户籍信息', ['指纹']],
      ['婚姻登记信息', ['姓名', '公民身份证号']],
    ]);
    expect(materials).toEqual([expect.objectContaining({ matter_code: 'XK037', department_name: '区民政局', material: '验资证明', missing_names: ['无共享资源'] })]);
    const refused = await call('GET', '/dprs/workbench/api/gaps', police);
    expect(refused.status).toBe(403);
    expect(refused.body.msg).toContain('无权');
  });
});
