/**
 * 可免提交 exactly when a material's items are published, connected and granted to the 事项's
 * department; the state follows grants, runs and retirements on the next read.
 */
import { STORAGE_TARGETS } from '../../support/databases';
import { catalogHarness, CatalogHarness, sampleRegistration } from '../../support/catalog';
import { publish, register, retire } from '../../../catalog/lifecycle';
import { revokeGrant } from '../../../catalog/grants';
import { setConsumerDisabled } from '../../../catalog/consumers';
import { showMatter } from '../../../catalog/matters/service';
import { departmentConsumer, GAJ, GSJ, grant, livePerson, POPULATION, SYJ, syncRun } from './support';

const operator = { role: 'operator' as const, sub: 'op' };

describe.each(STORAGE_TARGETS)('可免提交 on %s', (target) => {
  let h: CatalogHarness;
  let gsjToken: string;
  const state = async (name = '身份证明') => (await showMatter(h.ctx.db, 'XK137')).materials.find((m) => m.name === name)!.coverage;

  beforeAll(async () => {
    h = await catalogHarness(target);
    gsjToken = h.token({ sub: 'gs', role: 'department', dept: GSJ });
    await departmentConsumer(h.ctx.db, 'gsj-window', GSJ);
    await departmentConsumer(h.ctx.db, 'syj-window', SYJ);
  });
  afterAll(() => h.close());

  it('the 214 licensing items are 事项 with their 实施部门', async () => {
    const list = await h.call('GET', '/dprs/catalog/matters?page_size=300');
    expect(list.body.data[0].total).toBe(214);
    const m = await h.call('GET', '/dprs/catalog/matters/XK137');
    expect(m.body.data[0]).toMatchObject({ code: 'XK137', department_code: GSJ, department_name: '区工商局', kind: '行政许可', materials: [] });
  });

  it('walks through no grant, not connected, connected, granted, revoked, retired', async () => {
    const added = await h.call('POST', '/dprs/catalog/matters/XK137/materials', {
      token: gsjToken,
      body: { name: '身份证明', items: '姓名、公民身份证号', provider: '区公安分局', usage: '核验', purpose: '核验经营者身份' },
    });
    expect(added.status).toBe(200);
    // published but no full run yet, and nobody of 区工商局 holds a grant
    expect(await state()).toMatchObject({ exempt: false, missing: ['not_connected', 'no_grant'], resource_code: POPULATION, method: 'getRKHY', items: [{ item: '姓名', field: 'XM' }, { item: '公民身份证号', field: 'GMSFZH' }] });

    // a failed full run and a succeeded incremental run do not connect a library
    await syncRun(h.ctx.db, 'population', 'full', 'failed');
    await syncRun(h.ctx.db, 'population', 'incr', 'succeeded');
    expect((await state()).missing).toEqual(['not_connected', 'no_grant']);
    await syncRun(h.ctx.db, 'population', 'full', 'succeeded');
    // a completed full run that left the library empty: no data, not connected
    expect((await state()).missing).toEqual(['not_connected', 'no_grant']);
    await livePerson(h.ctx.db);
    expect((await state()).missing).toEqual(['no_grant']);

    // a grant of only some items, or to another department, is not enough
    await grant(h.ctx.db, 'gsj-window', POPULATION, ['XM']);
    await grant(h.ctx.db, 'syj-window', POPULATION, ['XM', 'GMSFZH']);
    expect((await state()).missing).toEqual(['no_grant']);
    const full = await grant(h.ctx.db, 'gsj-window', POPULATION, ['GMSFZH', 'XM', 'CSRQ']);
    expect(await state()).toMatchObject({ exempt: true, missing: [] });
    expect((await h.call('GET', '/dprs/catalog/matters/XK137')).body.data[0].exempt).toBe(1);

    // a disabled consumer's grants do not count
    await setConsumerDisabled(h.ctx.db, 'gsj-window', true);
    expect((await state()).exempt).toBe(false);
    await setConsumerDisabled(h.ctx.db, 'gsj-window', false);
    expect((await state()).exempt).toBe(true);

    await revokeGrant(h.ctx.db, operator, full);
    expect(await state()).toMatchObject({ exempt: false, missing: ['no_grant'] });
    await grant(h.ctx.db, 'gsj-window', POPULATION, ['GMSFZH', 'XM']);
    expect((await state()).exempt).toBe(true);

    await retire(h.ctx.db, operator, POPULATION, '测试停用');
    expect(await state()).toMatchObject({ exempt: false, missing: ['no_resource'], resource_code: null });
  });

  it('a material with an item no resource has is 无共享资源, naming the matched resource', async () => {
    await h.call('POST', '/dprs/catalog/matters/XK137/materials', {
      token: gsjToken,
      body: { name: '营业执照', items: ['统一社会信用代码', '经营场所产权证号'], provider: '区工商局', usage: '查询', purpose: '核对主体' },
    });
    const c = await state('营业执照');
    expect(c).toMatchObject({ exempt: false, missing: ['no_resource'], resource_code: '102001/00001' });
    expect(c.items).toEqual([{ item: '统一社会信用代码', field: 'TYSHXYDM' }, { item: '经营场所产权证号', field: null }]);
  });

  it('a published resource without a connected library is 接口未接入数据', async () => {
    const reg = sampleRegistration({ provider_code: GAJ, code: '301010/00009' });
    await register(h.ctx.db, { role: 'department', sub: 'ga', dept: GAJ }, reg);
    await publish(h.ctx.db, operator, reg.code);
    await grant(h.ctx.db, 'gsj-window', reg.code, ['CBZT', 'CBRQ']);
    await h.call('POST', '/dprs/catalog/matters/XK137/materials', {
      token: gsjToken,
      body: { name: '参保证明', items: ['参保状态', '参保日期'], provider: GAJ, usage: '查询', purpose: '核对参保' },
    });
    expect(await state('参保证明')).toMatchObject({ exempt: false, missing: ['not_connected'], resource_code: reg.code, method: 'getSBCB' });
  });

  it('departments edit only their own 事项; bad fields are listed; the operator adds 事项', async () => {
    const other = await h.call('POST', '/dprs/catalog/matters/XK145/materials', { token: gsjToken, body: { name: '身份证明', items: ['姓名'], provider: GAJ, usage: '核验', purpose: 'x' } });
    expect(other.status).toBe(403);
    expect(other.body.msg).toContain('XK145');
    const anonymous = await h.call('POST', '/dprs/catalog/matters/XK137/materials', { body: {} });
    expect(anonymous.status).toBe(401);
    const bad = await h.call('POST', '/dprs/catalog/matters/XK137/materials', { token: gsjToken, body: { name: '身份证明', items: [], provider: '区外星局', usage: '比对', purpose: '' } });
    expect(bad.status).toBe(400);
    expect(bad.body.data.map((e: { field: string }) => e.field)).toEqual(['items', 'provider', 'usage', 'purpose']);
    const dup = await h.call('POST', '/dprs/catalog/matters/XK137/materials', { token: gsjToken, body: { name: '身份证明', items: ['姓名'], provider: GAJ, usage: '核验', purpose: '核验' } });
    expect(dup.body.data).toEqual([{ field: 'name', reason: '事项 XK137 已有材料“身份证明”' }]);

    const byDept = await h.call('POST', '/dprs/catalog/matters', { token: gsjToken, body: { code: 'GG001', name: '测试公共服务', department: GSJ } });
    expect(byDept.status).toBe(403);
    const op = h.token({ sub: 'op', role: 'operator' });
    const added = await h.call('POST', '/dprs/catalog/matters', { token: op, body: { code: 'GG001', name: '个体工商户年度报告公示指导', department: '区工商局' } });
    expect(added.body.data[0]).toMatchObject({ code: 'GG001', department_code: GSJ, kind: '公共服务', source: 'operator' });
    const again = await h.call('POST', '/dprs/catalog/matters', { token: op, body: { code: 'GG001', name: 'x', department: GSJ } });
    expect(again.body.data).toEqual([{ field: 'code', reason: '事项编码 GG001 已存在' }]);

    // editing and deleting a material
    const m = (await h.call('GET', '/dprs/catalog/matters/XK137')).body.data[0];
    const id = m.materials.find((x: { name: string }) => x.name === '参保证明').id;
    const edited = await h.call('PUT', `/dprs/catalog/matters/XK137/materials/${id}`, { token: gsjToken, body: { name: '参保证明', items: ['参保状态'], provider: GAJ, usage: '查询', purpose: '核对参保' } });
    expect(edited.body.data[0].materials.find((x: { id: number }) => x.id === id).items).toEqual(['参保状态']);
    const deleted = await h.call('DELETE', `/dprs/catalog/matters/XK137/materials/${id}`, { token: gsjToken });
    expect(deleted.body.data[0].materials.map((x: { name: string }) => x.name)).not.toContain('参保证明');
  });
});
