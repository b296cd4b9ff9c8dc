import { STORAGE_TARGETS } from '../support/databases';
import { catalogHarness, CatalogHarness, sampleRegistration } from '../support/catalog';
import { resolveAccess } from '../../catalog/access';
import { addConsumer, setConsumerDisabled } from '../../catalog/consumers';

describe.each(STORAGE_TARGETS)('applications, grants and resolveAccess on %s', (target) => {
  let h: CatalogHarness;
  let consumer: string;
  let police: string; // provider of 人口户籍信息
  let gsj: string; // another department
  let operator: string;
  beforeAll(async () => {
    h = await catalogHarness(target);
    await addConsumer(h.ctx.db, { id: 'zc-window', name: '周村区一窗受理平台（测试）', methods: [] });
    consumer = h.token({ sub: 'zc-window', role: 'consumer' });
    police = h.token({ sub: 'ga', role: 'department', dept: 'ZC005' });
    gsj = h.token({ sub: 'gs', role: 'department', dept: 'ZC021' });
    operator = h.token({ sub: 'op', role: 'operator' });
  });
  afterAll(() => h.close());

  it('denies without a grant', async () => {
    expect(await resolveAccess(h.ctx.db, 'zc-window', 'getRKZP')).toEqual({ ok: false, reason: '未获授权调用 getRKZP' });
    expect(await resolveAccess(h.ctx.db, 'nobody', 'getRKZP')).toMatchObject({ ok: false });
    expect(await resolveAccess(h.ctx.db, 'zc-window', 'getNOPE')).toMatchObject({ ok: false });
    expect((await h.call('GET', '/dprs/catalog/allowedMethods', { token: consumer })).body.data).toEqual([]);
  });

  it('有条件共享 waits for the provider; approval grants exactly the items, sensitive ones masked', async () => {
    const body = { resource_code: '101001/00001', items: ['XM', 'GMSFZH', 'CSRQ'], scenario: '办理社保卡时核验身份', frequency: '实时', system_name: '一窗受理平台' };
    const bad = await h.call('POST', '/dprs/catalog/applications', { token: consumer, body: { ...body, items: ['XM', 'NOPE'], frequency: '' } });
    expect(bad.status).toBe(400);
    expect(bad.body.data.map((e: { field: string }) => e.field)).toEqual(['frequency']);
    const unknownItem = await h.call('POST', '/dprs/catalog/applications', { token: consumer, body: { ...body, items: ['XM', 'NOPE'] } });
    expect(unknownItem.body.data).toEqual([{ field: 'items.1', reason: '资源中没有信息项 NOPE' }]);
    const byDept = await h.call('POST', '/dprs/catalog/applications', { token: police, body });
    expect(byDept.status).toBe(403);

    const applied = await h.call('POST', '/dprs/catalog/applications', { token: consumer, body });
    expect(applied.body.data[0]).toMatchObject({ status: 'pending', grant_id: null });
    const id = applied.body.data[0].id;
    expect(await resolveAccess(h.ctx.db, 'zc-window', 'getRKZP')).toMatchObject({ ok: false });

    const wrongDept = await h.call('POST', `/dprs/catalog/applications/${id}/decision`, { token: gsj, body: { approve: true } });
    expect(wrongDept.status).toBe(403);
    const byOperator = await h.call('POST', `/dprs/catalog/applications/${id}/decision`, { token: operator, body: { approve: true } });
    expect(byOperator.status).toBe(403);
    const noReason = await h.call('POST', `/dprs/catalog/applications/${id}/decision`, { token: police, body: { approve: false } });
    expect(noReason.body.data).toEqual([{ field: 'note', reason: '不予批准须说明理由' }]);

    const ok = await h.call('POST', `/dprs/catalog/applications/${id}/decision`, { token: police, body: { approve: true, note: '同意' } });
    expect(ok.body.data[0]).toMatchObject({ status: 'approved' });
    expect(ok.body.data[0].grant_id).toEqual(expect.any(Number));
    const again = await h.call('POST', `/dprs/catalog/applications/${id}/decision`, { token: police, body: { approve: true } });
    expect(again.status).toBe(400);

    // items in the resource's order; 姓名 and 身份证号 are sensitive, so masked by default
    expect(await resolveAccess(h.ctx.db, 'zc-window', 'getRKZP')).toEqual({ ok: true, access: { method: 'getRKZP', items: ['GMSFZH', 'XM', 'CSRQ'], masked: ['GMSFZH', 'XM'] } });
    // a verification's access is the same grant (whether it may compare is verificationRefusal's)
    expect(await resolveAccess(h.ctx.db, 'zc-window', 'getRKHY')).toEqual({ ok: true, access: { method: 'getRKHY', items: ['GMSFZH', 'XM', 'CSRQ'], masked: ['GMSFZH', 'XM'] } });
    const allowed = (await h.call('GET', '/dprs/catalog/allowedMethods', { token: consumer })).body.data.map((m: { method: string }) => m.method);
    expect(allowed).toEqual(['batchRKHY', 'getRKHY', 'getRKZP']);
  });

  it('revocation denies on the next call; a disabled consumer is denied', async () => {
    const grants = (await h.call('GET', '/dprs/catalog/grants', { token: consumer })).body.data;
    expect(grants).toHaveLength(1);
    expect((await h.call('POST', `/dprs/catalog/grants/${grants[0].id}/revoke`, { token: gsj })).status).toBe(403);
    expect((await h.call('POST', `/dprs/catalog/grants/${grants[0].id}/revoke`, { token: consumer })).status).toBe(403);
    const revoked = await h.call('POST', `/dprs/catalog/grants/${grants[0].id}/revoke`, { token: police });
    expect(revoked.body.data[0].revoked_at).toEqual(expect.any(Number));
    expect(await resolveAccess(h.ctx.db, 'zc-window', 'getRKZP')).toEqual({ ok: false, reason: '未获授权调用 getRKZP' });
    expect(await resolveAccess(h.ctx.db, 'zc-window', 'getRKHY')).toMatchObject({ ok: false });
  });

  it('无条件共享 is approved at once; expiry and disabling deny; 不予共享 cannot be applied for', async () => {
    const body = { resource_code: '102001/00001', items: ['TYSHXYDM', 'JGMC', 'FDDBR'], scenario: '企业开办核验', frequency: '每日', system_name: '一窗受理平台' };
    const applied = await h.call('POST', '/dprs/catalog/applications', { token: consumer, body });
    expect(applied.body.data[0]).toMatchObject({ status: 'approved', decision_note: '无条件共享，自动批准' });
    expect(await resolveAccess(h.ctx.db, 'zc-window', 'getFRXX')).toEqual({ ok: true, access: { method: 'getFRXX', items: ['TYSHXYDM', 'JGMC', 'FDDBR'], masked: ['FDDBR'] } });

    await h.ctx.db('grants').where({ id: applied.body.data[0].grant_id }).update({ expires_at: Date.now() - 1 });
    expect(await resolveAccess(h.ctx.db, 'zc-window', 'getFRXX')).toMatchObject({ ok: false });
    await h.ctx.db('grants').where({ id: applied.body.data[0].grant_id }).update({ expires_at: null });
    await setConsumerDisabled(h.ctx.db, 'zc-window', true);
    expect(await resolveAccess(h.ctx.db, 'zc-window', 'getFRXX')).toEqual({ ok: false, reason: '调用方不存在或已停用' });
    await setConsumerDisabled(h.ctx.db, 'zc-window', false);

    const rsj = h.token({ sub: 'rs', role: 'department', dept: 'ZC010' });
    const secret = sampleRegistration({ share_type: '3', no_share_basis: '《社会保险法》第八十一条', interfaces: [] , share_mode: '库表' });
    expect((await h.call('POST', '/dprs/catalog/resources', { token: rsj, body: secret })).status).toBe(200);
    await h.call('POST', '/dprs/catalog/resources/301010/00001/publish', { token: operator });
    const refused = await h.call('POST', '/dprs/catalog/applications', { token: consumer, body: { ...body, resource_code: '301010/00001', items: ['CBZT'] } });
    expect(refused.status).toBe(403);
    expect(refused.body.msg).toBe('无权限：resource_code 不予共享的资源不能申请');
    expect(await h.ctx.db('applications').where({ resource_code: '301010/00001' }).first()).toBeUndefined();
  });

  it('matches demands to the catalogue and lists the gaps (供需对接)', async () => {
    const mzj = h.token({ sub: 'mz', role: 'department', dept: 'ZC008' });
    const demand = {
      contact: '王然', phone: '0533-6195240', provider_name: '区公安分局', resource_name: '人口户籍信息', item_names: ['姓名', '公民身份证号', '婚姻状况'],
      scenario: '低保核对', frequency: '每月', system_name: '低保核对系统', system_network: '政务外网',
    };
    const bad = await h.call('POST', '/dprs/catalog/demands', { token: mzj, body: { ...demand, phone: 'x', item_names: [] } });
    expect(bad.body.data.map((e: { field: string }) => e.field).sort()).toEqual(['item_names', 'phone']);
    expect((await h.call('POST', '/dprs/catalog/demands', { token: mzj, body: demand })).status).toBe(200);
    expect((await h.call('POST', '/dprs/catalog/demands', { token: mzj, body: { ...demand, provider_name: '区民政局', resource_name: '婚姻登记信息', item_names: ['婚姻状况'] } })).status).toBe(200);
    expect((await h.call('GET', '/dprs/catalog/demands/gaps', { token: consumer })).status).toBe(403);
    const gaps = (await h.call('GET', '/dprs/catalog/demands/gaps', { token: operator })).body.data;
    expect(gaps).toEqual([
      expect.objectContaining({ resource_name: '人口户籍信息', resource_code: '101001/00001', covered: [{ item_name: '姓名', field: 'XM' }, { item_name: '公民身份证号', field: 'GMSFZH' }], missing: ['婚姻状况'] }),
      expect.objectContaining({ resource_name: '婚姻登记信息', resource_code: null, covered: [], missing: ['婚姻状况'] }),
    ]);
  });
});

describe.each(STORAGE_TARGETS)('the demo consumer on %s', (target) => {
  it('gets an approved grant of every item of the three base resources, so all six lookups resolve', async () => {
    const { ensureDemoGrants } = await import('../../catalog/demo-grants');
    const h = await catalogHarness(target);
    try {
      await addConsumer(h.ctx.db, { id: 'zc-yichuang', name: '周村区一窗受理平台', methods: [] });
      expect(await ensureDemoGrants(h.ctx.db, 'zc-yichuang', '周村区一窗受理平台')).toBe(3);
      expect(await ensureDemoGrants(h.ctx.db, 'zc-yichuang', '周村区一窗受理平台')).toBe(0);
      const rkzp = await resolveAccess(h.ctx.db, 'zc-yichuang', 'getRKZP');
      expect(rkzp).toEqual({ ok: true, access: { method: 'getRKZP', items: ['RYBH', 'GMSFZH', 'XM', 'CSRQ', 'MZ', 'XB', 'JG', 'CSD', 'HJD'], masked: [] } });
      for (const m of ['getRKHY', 'batchRKHY', 'getFRXX', 'getDZZZ', 'getDZZZHY']) expect((await resolveAccess(h.ctx.db, 'zc-yichuang', m)).ok).toBe(true);
      const apps = await h.ctx.db('applications').where({ consumer_id: 'zc-yichuang', status: 'approved' });
      expect(apps).toHaveLength(3);
    } finally {
      await h.close();
    }
  });
});
