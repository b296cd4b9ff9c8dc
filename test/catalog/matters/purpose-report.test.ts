/**
 * Purpose is a 事项 (X-Purpose: 事项编码|说明) and the 免提交率 report: lookups name a 事项 their
 * consumer's department implements, the audit keeps the code, and the report's figures equal
 * counts made here from what the test set up.
 */
import { STORAGE_TARGETS } from '../../support/databases';
import { catalogHarness, CatalogHarness } from '../../support/catalog';
import { insertFixtures, Fixtures, postJson, tokenFor } from '../../support/lookups';
import { ensureDemoGrants } from '../../../catalog/demo-grants';
import { appendEntries, verifyChain } from '../../../gateway/auditing/store';
import { resolveMatterPurpose } from '../../../gateway/matter-purpose';
import { departmentConsumer, GAJ, GSJ, SYJ, syncRun } from './support';

const enc = encodeURIComponent;

describe.each(STORAGE_TARGETS)('purpose as 事项 and the report on %s', (target) => {
  let h: CatalogHarness;
  let fx: Fixtures;
  let base: string;
  let gsj: string; // lookup token of 区工商局's window
  let syj: string; // lookup token of 区食药局's window
  let op: string;
  const lookup = (token: string, purpose: string) =>
    postJson(base, 'getRKHY', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }, { authorization: `Bearer ${token}`, 'x-purpose': purpose });

  beforeAll(async () => {
    h = await catalogHarness(target);
    fx = await insertFixtures(h.ctx.db);
    base = h.url('');
    for (const [id, dept] of [['gsj-window', GSJ], ['syj-window', SYJ]] as const) {
      await departmentConsumer(h.ctx.db, id, dept);
      await ensureDemoGrants(h.ctx.db, id, id);
    }
    gsj = tokenFor(h.ctx.config, 'gsj-window', ['getRKHY']);
    syj = tokenFor(h.ctx.config, 'syj-window', ['getRKHY']);
    op = h.token({ sub: 'op', role: 'operator' });
  });
  afterAll(() => h.close());

  it('a lookup naming a 事项 of its department is answered and audited with the code', async () => {
    const r = await lookup(gsj, enc('XK137|张某申请个体工商户设立登记'));
    expect(r.body).toMatchObject({ result_code: '200' });
    const row = await h.ctx.db('audit_log').orderBy('id', 'desc').first();
    expect(row).toMatchObject({ consumer_id: 'gsj-window', matter_code: 'XK137', purpose: 'XK137|张某申请个体工商户设立登记' });
    expect((await lookup(gsj, 'XK137')).body.result_code).toBe('200');
    expect((await verifyChain(h.ctx.db)).ok).toBe(true);
  });

  it('refuses an unknown 事项编码 and a 事项 the department does not implement, naming X-Purpose', async () => {
    const unknown = await lookup(gsj, enc('XK999|办理'));
    expect(unknown.status).toBe(400);
    expect(unknown.body.msg).toBe('参数错误：X-Purpose 事项编码 XK999 不存在');
    const notTheirs = await lookup(gsj, 'XK145');
    expect(notTheirs.status).toBe(400);
    expect(notTheirs.body.msg).toBe('参数错误：X-Purpose 调用方所属部门不实施事项 XK145，不能以该事项为由查询');
    // a consumer of no department cannot name a 事项 at all
    const noDept = await lookup(tokenFor(h.ctx.config), 'XK137');
    expect(noDept.status).toBe(400);
    const refused = await h.ctx.db('audit_log').where({ result_code: '400' }).whereNotNull('matter_code').count({ n: '*' }).first();
    expect(Number(refused!.n)).toBe(0);
  });

  it('the WebService checks the 事项 the same way (the pipeline is shared)', async () => {
    const soap = async (purpose: string) => {
      const body = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:d="http://dprs.zhoucun.gov.cn/"><s:Body><d:getRKHY><xm>${fx.alice.xm}</xm><gmsfzh>${fx.alice.gmsfzh}</gmsfzh></d:getRKHY></s:Body></s:Envelope>`;
      const r = await fetch(`${base}/dprs/webService/DataService`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', authorization: `Bearer ${gsj}`, 'x-purpose': purpose }, body });
      return (await r.text()).replace(/&quot;/g, '"');
    };
    expect(await soap('XK145')).toContain('"msg":"参数错误：X-Purpose 调用方所属部门不实施事项 XK145，不能以该事项为由查询","result_code":"400"');
    expect(await soap('XK137')).toContain('"result_code":"200"');
    expect(await h.ctx.db('audit_log').orderBy('id', 'desc').first()).toMatchObject({ interface: 'soap', matter_code: 'XK137' });
  });

  it('free text is accepted while PURPOSE_FREE_TEXT=allow and refused when deny', async () => {
    const free = await lookup(gsj, enc('办理营业执照'));
    expect(free.body.result_code).toBe('200');
    expect(await h.ctx.db('audit_log').orderBy('id', 'desc').first()).toMatchObject({ matter_code: null, purpose: '办理营业执照' });
    const deny = { ...h.ctx, config: { ...h.ctx.config, purposeFreeText: 'deny' as const } };
    await expect(resolveMatterPurpose(deny, 'gsj-window', '办理营业执照')).rejects.toThrow('X-Purpose 须以事项编码开头');
    await expect(resolveMatterPurpose(deny, 'gsj-window', 'XK137|办理')).resolves.toEqual({ text: 'XK137|办理', matterCode: 'XK137' });
    // a bar inside free text does not make it a code
    await expect(resolveMatterPurpose(h.ctx, 'gsj-window', '办理|营业执照')).resolves.toEqual({ text: '办理|营业执照', matterCode: null });
  });

  it('the operator sees lookups by 事项 in the stats and in who looked me up', async () => {
    const stats = await h.call('GET', '/dprs/admin/stats?by=matter', { token: op });
    expect(stats.body.data).toEqual([{ matterCode: 'XK137', matterName: '个体工商户设立、变更、注销登记', departmentCode: GSJ, departmentName: '区工商局', calls: 3, errors: 0 }]);
    const who = await h.call('GET', `/dprs/admin/audit/lookups?gmsfzh=${fx.alice.gmsfzh}`, { token: op });
    expect(who.body.data.filter((x: { matterCode: string | null }) => x.matterCode === 'XK137')).toHaveLength(3);
    expect((await h.call('GET', '/dprs/admin/stats?by=nope', { token: op })).status).toBe(400);
  });

  it('the report per 事项, per department and in total equals an independent count', async () => {
    await syncRun(h.ctx.db, 'population', 'full', 'succeeded'); // 人口 connected; 法人 not
    const add = (code: string, dept: string, body: object) =>
      h.call('POST', `/dprs/catalog/matters/${code}/materials`, { token: h.token({ sub: 'd', role: 'department', dept }), body });
    const person = { items: ['姓名', '公民身份证号'], provider: GAJ, usage: '核验', purpose: '核验身份' };
    // expected state of each material, decided by how the test set it up
    const plan: Array<{ matter: string; dept: string; name: string; body: object; exempt: boolean }> = [
      { matter: 'XK137', dept: GSJ, name: '身份证明', body: person, exempt: true }, // granted, connected
      { matter: 'XK137', dept: GSJ, name: '经营场所证明', body: { items: ['不动产权证号', '房屋坐落'], provider: '周村国土资源分局', usage: '查询', purpose: '核对经营场所' }, exempt: false },
      { matter: 'XK145', dept: SYJ, name: '营业执照', body: { items: ['统一社会信用代码', '机构名称'], provider: '区工商局', usage: '查询', purpose: '核对主体资格' }, exempt: false }, // 法人库 not connected
      { matter: 'XK145', dept: SYJ, name: '身份证明', body: person, exempt: true },
      { matter: 'XK145', dept: SYJ, name: '健康证明', body: { items: ['体检结论'], provider: '区卫计局', usage: '核验', purpose: '从业人员健康' }, exempt: false },
    ];
    for (const p of plan) expect((await add(p.matter, p.dept, { name: p.name, ...p.body })).status).toBe(200);
    await lookup(syj, enc('XK145|食品经营许可现场核查'));
    // an old lookup outside the period is not counted
    await appendEntries(h.ctx.db, [{ at: Date.parse('2020-01-01T04:00:00Z'), requestId: 'old', consumerId: 'gsj-window', method: 'getRKHY', interface: 'json', purpose: 'XK137', matterCode: 'XK137', queryKeyHash: null, resultCode: '200', rows: 1, durationMs: 1 }]);

    const lookupsMade: Record<string, number> = { XK137: 3, XK145: 1 }; // by this suite (two JSON, one SOAP), in the period
    const r = (await h.call('GET', '/dprs/catalog/matters/report')).body.data[0];
    for (const code of ['XK137', 'XK145']) {
      const mine = plan.filter((p) => p.matter === code);
      const exempt = mine.filter((p) => p.exempt).length;
      expect(r.matters.find((m: { code: string }) => m.code === code)).toMatchObject({ materials: mine.length, exempt, rate: Math.round((exempt / mine.length) * 10000) / 10000, lookups: lookupsMade[code] });
    }
    expect(r.departments.find((d: { department_code: string }) => d.department_code === SYJ)).toMatchObject({ matters: 1, materials: 3, exempt: 1, lookups: 1 });
    expect(r.total).toEqual({ matters: 2, materials: plan.length, exempt: plan.filter((p) => p.exempt).length, rate: 0.4, lookups: 4 });

    // the period is in days; 2020-01-01 alone holds the one old lookup
    const old = (await h.call('GET', '/dprs/catalog/matters/report?from=2020-01-01&to=2020-01-01')).body.data[0];
    expect(old.matters.find((m: { code: string }) => m.code === 'XK137').lookups).toBe(1);
    expect(old.total.lookups).toBe(1);
    const bad = await h.call('GET', '/dprs/catalog/matters/report?from=2020-13-01');
    expect(bad.body.msg).toBe('参数错误：from 应为日期 YYYY-MM-DD');

    // exportable: the CSV carries the same total
    const csv = await fetch(h.url('/dprs/catalog/matters/report?format=csv'));
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).split('\r\n').find((l) => l.startsWith('合计'))).toBe('合计,,2 个事项,全区,5,2,40.0%,4');
  });

  it('demands name their 事项; the gap list groups them by 事项 and department', async () => {
    const form = { contact: '王然', phone: '6195240', provider_name: '周村国土资源分局', resource_name: '不动产登记信息', item_names: ['不动产权证号'], scenario: '个体工商户登记核对经营场所', frequency: '实时', system_name: '登记系统', system_network: '政务外网' };
    const dept = h.token({ sub: 'd', role: 'department', dept: GSJ });
    const bad = await h.call('POST', '/dprs/catalog/demands', { token: dept, body: { ...form, matter_code: 'XK999' } });
    expect(bad.body.data).toEqual([{ field: 'matter_code', reason: '事项编码 XK999 不存在' }]);
    const badMaterial = await h.call('POST', '/dprs/catalog/demands', { token: dept, body: { ...form, matter_code: 'XK137', material_name: '结婚证' } });
    expect(badMaterial.body.data).toEqual([{ field: 'material_name', reason: '事项 XK137 没有材料“结婚证”' }]);
    expect((await h.call('POST', '/dprs/catalog/demands', { token: dept, body: { ...form, matter_code: 'XK137', material_name: '经营场所证明' } })).status).toBe(200);
    await h.call('POST', '/dprs/catalog/demands', { token: dept, body: { ...form, resource_name: '房屋租赁登记' } });
    const gaps = (await h.call('GET', '/dprs/catalog/matters/gaps', { token: op })).body.data;
    expect(gaps.map((g: { matter_code: string | null; department_code: string; demands: unknown[] }) => [g.matter_code, g.department_code, g.demands.length])).toEqual([
      ['XK137', GSJ, 1],
      [null, GSJ, 1],
    ]);
    expect(gaps[0].demands[0]).toMatchObject({ material_name: '经营场所证明', missing: ['不动产权证号'] });
  });
});
