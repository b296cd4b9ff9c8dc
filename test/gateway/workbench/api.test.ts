/**
 * The workbench's own API on every storage target: account and consumer administration is
 * the operator's, departments can be added, an officer sees only the sync jobs of their
 * department's libraries and only their department's resources; the clerk's console lists the
 * methods its system may call, a granted generic method with its declared parameters.
 */
import path from 'node:path';
import { startServer, RunningServer } from '../../../scripts/app/server';
import { STORAGE_TARGETS } from '../../support/databases';
import { testContext, TestContext } from '../../support/context';
import { seedCatalogue } from '../../../catalog/seed';
import { addAccount } from '../../../gateway/accounts/accounts';
import { departmentCodeByName } from '../../../catalog/gazette';
import { saveJob } from '../../../adapters/sync/jobs';
import { demoJobs } from '../../../scripts/demo/jobs';
import { ensureSocialInsuranceResource } from '../../../scripts/demo/social-insurance';
import { addConsumer } from '../../../catalog/consumers';
import { createGrant } from '../../../catalog/grants';
import { publish, register } from '../../../catalog/lifecycle';
import { sampleRegistration } from '../../support/catalog';

const PASSWORD = 'Zhoucun-2018-ok';

interface Session {
  cookie: string;
  csrf: string;
}

describe.each(STORAGE_TARGETS)('workbench API on %s', (target) => {
  let ctx: TestContext;
  let server: RunningServer;
  let base: string;
  let operator: Session;
  let officer: Session;

  async function call(method: string, p: string, s: Session | null, body?: unknown) {
    const headers: Record<string, string> = {};
    if (s) Object.assign(headers, { cookie: s.cookie, 'x-csrf-token': s.csrf });
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as { msg: string; data: Array<Record<string, any>> } };
  }

  async function signIn(username: string, password = PASSWORD): Promise<Session> {
    const r = await fetch(base + '/dprs/workbench/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    const cookies = r.headers.getSetCookie().map((c) => c.split(';')[0]);
    const body = (await r.json()) as { data: Array<{ csrf_token: string }> };
    return { cookie: cookies.join('; '), csrf: body.data[0].csrf_token };
  }

  beforeAll(async () => {
    ctx = await testContext(target);
    await seedCatalogue(ctx.db);
    await ensureSocialInsuranceResource(ctx.db); // the demo's 区人社局 job fills its library
    for (const def of demoJobs(path.join(ctx.config.dataDir, 'frontend-demo.db'))) await saveJob(ctx.db, def);
    await addAccount(ctx.db, { username: 'ops', role: 'operator', password: PASSWORD });
    await addAccount(ctx.db, { username: 'gaj', role: 'officer', departmentCode: departmentCodeByName('区公安分局'), password: PASSWORD });
    server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
    operator = await signIn('ops');
    officer = await signIn('gaj');
  });
  afterAll(async () => {
    await server.close();
    await ctx.dispose();
  });

  it('lets the operator create, disable and reset accounts, and nobody else', async () => {
    expect((await call('POST', '/dprs/workbench/api/accounts', officer, { username: 'x1', role: 'auditor' })).status).toBe(403);
    const bad = await call('POST', '/dprs/workbench/api/accounts', operator, { username: 'gsj', role: 'officer' });
    expect(bad.status).toBe(400);
    expect(bad.body.msg).toContain('department_code');
    const made = await call('POST', '/dprs/workbench/api/accounts', operator, { username: 'gsj', role: 'officer', department_code: departmentCodeByName('区工商局'), display_name: '工商局管理员' });
    expect(made.status).toBe(200);
    const otp = made.body.data[0].one_time_password as string;
    expect(otp).toMatch(/^[\w]{4}-[\w]{4}-[\w]{4}$/);
    const auditor = await call('POST', '/dprs/workbench/api/accounts', operator, { username: 'aud', role: 'auditor' });
    // an auditor's second factor is theirs alone to enrol: the operator is handed no TOTP secret
    expect(auditor.status).toBe(200);
    expect(JSON.stringify(auditor.body.data[0])).not.toMatch(/totp_secret|otpauth/);

    const gsj = await signIn('gsj', otp);
    expect((await call('GET', '/dprs/workbench/api/session', gsj)).body.data[0].must_change_password).toBe(true);
    expect((await call('POST', '/dprs/workbench/api/accounts/gsj/disable', operator)).status).toBe(200);
    expect((await call('GET', '/dprs/workbench/api/session', gsj)).body.data).toEqual([]); // its session ended
    const reset = await call('POST', '/dprs/workbench/api/accounts/gsj/reset', operator);
    expect(reset.body.data[0].one_time_password).not.toBe(otp);
    expect((await call('POST', '/dprs/workbench/api/accounts/ops/disable', operator)).status).toBe(400); // not oneself
    const list = await call('GET', '/dprs/workbench/api/accounts', operator);
    expect(list.body.data.find((a) => a.username === 'gsj')).toMatchObject({ disabled: true, role_name: '部门管理员' });
    expect(JSON.stringify(list.body.data)).not.toMatch(/password_hash|totp_secret|scrypt/);
  });

  it('lets an auditor read the audit and the sign-in log, and change nothing', async () => {
    await addAccount(ctx.db, { username: 'aud2', role: 'auditor', password: PASSWORD });
    const auditor = await signIn('aud2');
    expect((await call('GET', '/dprs/admin/audit/verify', auditor)).status).toBe(200);
    expect((await call('GET', '/dprs/admin/stats?hours=24', auditor)).status).toBe(200);
    const log = await call('GET', '/dprs/workbench/api/sign-in-events', auditor);
    expect(log.body.data.some((e) => e.username === 'aud2' && e.event === 'sign_in')).toBe(true);
    expect((await call('GET', '/dprs/admin/sync/jobs', auditor)).status).toBe(403);
    expect((await call('POST', '/dprs/workbench/api/accounts', auditor, { username: 'x2', role: 'operator' })).status).toBe(403);
    expect((await call('POST', '/dprs/catalog/resources/101001/00001/retire', auditor, { reason: '试试' })).status).toBe(403);
    expect((await call('GET', '/dprs/admin/audit/verify', officer)).status).toBe(403);
  });

  it('adds a department the plan does not name, naming a bad field', async () => {
    const bad = await call('POST', '/dprs/workbench/api/departments', operator, { code: 'X1', name: '区统计局' });
    expect(bad.status).toBe(400);
    expect(bad.body.msg).toContain('code');
    expect((await call('POST', '/dprs/workbench/api/departments', operator, { code: 'ZC950', name: '区统计局' })).status).toBe(200);
    expect((await call('POST', '/dprs/workbench/api/departments', operator, { code: 'ZC951', name: '区统计局' })).body.msg).toContain('已存在');
    const all = await call('GET', '/dprs/catalog/departments', null);
    expect(all.body.data.map((d) => d.name)).toContain('区统计局');
  });

  it('registers a consumer system and shows its secret once', async () => {
    const r = await call('POST', '/dprs/workbench/api/consumers', operator, { id: 'zc-hunyin', name: '婚姻登记系统', methods: ['getRKZP', 'getRKHY'] });
    expect(r.status).toBe(200);
    expect(typeof r.body.data[0].client_secret).toBe('string');
    const list = await call('GET', '/dprs/workbench/api/consumers', operator);
    expect(JSON.stringify(list.body.data)).not.toContain(r.body.data[0].client_secret);
    expect((await call('POST', '/dprs/workbench/api/consumers', operator, { id: 'zc-x', name: 'x', methods: ['dropTables'] })).body.msg).toContain('methods');
  });

  it('shows an officer the sync jobs of their department’s libraries only; the operator all of them', async () => {
    const mine = await call('GET', '/dprs/workbench/api/sync', officer);
    expect(mine.body.data.map((j) => j.id)).toEqual(['demo-population']);
    const all = await call('GET', '/dprs/workbench/api/sync', operator);
    expect(all.body.data.map((j) => j.id).sort()).toEqual(['demo-civil-verify', 'demo-legal-entity', 'demo-licence', 'demo-population', 'demo-social-insurance']); // 区民政局's verification job and 区人社局's are not 公安's
    expect((await call('POST', '/dprs/workbench/api/sync/demo-licence/run', officer)).status).toBe(404);
  });

  it('lists an officer’s own resources in every status, and the review queue for the operator only', async () => {
    const mine = await call('GET', '/dprs/workbench/api/resources', officer);
    expect(mine.body.data.map((r) => [r.code, r.status])).toEqual([['101001/00001', 'published']]);
    expect((await call('GET', '/dprs/workbench/api/review-queue', officer)).status).toBe(403);
    await call('POST', '/dprs/catalog/resources/101001/00001/revise', officer, {});
    const queue = await call('GET', '/dprs/workbench/api/review-queue', operator);
    expect(queue.body.data.map((r) => [r.code, r.version, r.published_version])).toEqual([['101001/00001', 2, 1]]);
    expect(queue.body.data[0].diff.fields).toEqual([]);
  });

  it('tells the clerk’s page every item its answer masks: a masked GMSFZH masks CSRQ too', async () => {
    await addConsumer(ctx.db, { id: 'zc-window', name: '一窗受理', methods: ['getRKZP'] });
    await createGrant(ctx.db, { consumer_id: 'zc-window', resource_code: '101001/00001', application_id: null, items: ['XM', 'GMSFZH', 'CSRQ', 'XB'], masked_items: ['GMSFZH'], expires_at: null });
    await addAccount(ctx.db, { username: 'window1', role: 'clerk', consumerId: 'zc-window', password: PASSWORD });
    const clerk = await signIn('window1');
    const [info] = (await call('GET', '/dprs/workbench/api/lookup/methods', clerk)).body.data;
    const rkzp = info.methods.find((m: { method: string }) => m.method === 'getRKZP');
    expect(rkzp.masked.sort()).toEqual(['CSRQ', 'GMSFZH']);
    expect(rkzp.items.sort()).toEqual(['CSRQ', 'GMSFZH', 'XB', 'XM']);
  });

  it('lists a generic method the clerk’s system is granted, with its declared parameters, and calls it by the one lookup path; an ungranted one is absent', async () => {
    const op = { role: 'operator' as const, sub: 'op' };
    const declared = (code: string, method: string) => sampleRegistration({
      code,
      interfaces: [{
        method, name: '参保状态查询', function: '用于查询社会保险参保状态',
        query: { params: [{ name: 'gmsfzh', item: 'GMSFZH', check: '公民身份号码' }, { name: 'xm', item: 'XM' }, { name: 'cbrq', item: 'CBRQ', required: true, check: '日期', date_format: 'YYYYMMDD' }], one_of: [['gmsfzh'], ['xm']] },
      }],
    });
    for (const [code, method] of [['301010/00003', 'getCBZT'], ['301010/00004', 'getCBZX']]) {
      await register(ctx.db, op, declared(code, method));
      await publish(ctx.db, op, code);
    }
    await createGrant(ctx.db, { consumer_id: 'zc-window', resource_code: '301010/00003', application_id: null, items: ['GMSFZH', 'XM', 'CBZT'], masked_items: ['GMSFZH'], expires_at: null });
    const clerk = await signIn('window1');
    const [info] = (await call('GET', '/dprs/workbench/api/lookup/methods', clerk)).body.data;
    expect(info.methods.map((m: { method: string }) => m.method)).toEqual(['getCBZT', 'getRKZP']);
    expect(info.methods[0]).toEqual({
      method: 'getCBZT', name: '参保状态查询', resource_name: '社会保险参保信息', items: ['GMSFZH', 'XM', 'CBZT'], masked: ['GMSFZH'],
      params: [
        { name: 'gmsfzh', label: '公民身份号码', required: false, hint: '公民身份号码' },
        { name: 'xm', label: '姓名', required: false, hint: '' },
        { name: 'cbrq', label: '参保日期', required: true, hint: 'YYYYMMDD' },
      ],
      one_of: [['gmsfzh'], ['xm']],
    });
    // the one pipeline: validated by the declaration, then 数据尚未接入 (its library has had no sync)
    const bad = await call('POST', '/dprs/workbench/api/lookup', clerk, { method: 'getCBZT', purpose: '办理参保登记', params: { xm: '张三' } });
    expect([bad.status, bad.body.msg]).toEqual([400, expect.stringContaining('cbrq（参保日期）')]);
    const early = await call('POST', '/dprs/workbench/api/lookup', clerk, { method: 'getCBZT', purpose: '办理参保登记', params: { xm: '张三', cbrq: '20200101' } });
    expect(early.status).toBe(503);
  });
});
