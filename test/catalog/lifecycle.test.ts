import { STORAGE_TARGETS } from '../support/databases';
import { catalogHarness, CatalogHarness, sampleRegistration } from '../support/catalog';

describe.each(STORAGE_TARGETS)('resource registration and lifecycle on %s', (target) => {
  let h: CatalogHarness;
  let dept: string; // 区人社局
  let otherDept: string; // 区民政局
  let operator: string;
  beforeAll(async () => {
    h = await catalogHarness(target);
    dept = h.token({ sub: 'rsj-user', role: 'department', dept: 'ZC010' });
    otherDept = h.token({ sub: 'mzj-user', role: 'department', dept: 'ZC008' });
    operator = h.token({ sub: 'dz-user', role: 'operator' });
  });
  afterAll(() => h.close());

  it('returns every error of an invalid registration at once, as field names with Chinese reasons, and stores nothing', async () => {
    const bad = {
      ...sampleRegistration(),
      share_type: '2', // 有条件 without 共享条件
      update_cycle: '每小时',
      extra: 1,
      items: [{ field: 'gmsfzh', name: '公民身份号码', data_type: 'X', sensitive: 'yes' }],
    };
    delete (bad as Record<string, unknown>).summary;
    const r = await h.call('POST', '/dprs/catalog/resources', { token: dept, body: bad });
    expect(r.status).toBe(400);
    expect(r.body.result_code).toBe('400');
    const fields = r.body.data.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['extra', 'items.0.data_type', 'items.0.field', 'items.0.sensitive', 'share_condition', 'summary', 'update_cycle'].sort());
    expect(r.body.msg).toBe(`参数错误：资源登记有${fields.length}处错误，字段 ${r.body.data[0].field} ${r.body.data[0].reason}`);
    for (const e of r.body.data) expect(e.reason).toMatch(/[\u4e00-\u9fa5]/);
    expect(r.body.data.find((e: { field: string }) => e.field === 'items.0.data_type').reason).toContain('C N Y D T L M G B I F');
    expect(await h.ctx.db('resources').where({ code: '301010/00001' }).first()).toBeUndefined();
  });

  it('checks rules a schema cannot: code vs classification, 不予共享依据, duplicate fields, a taken method, the own department', async () => {
    const bad = sampleRegistration({
      code: '302010/00001',
      share_type: '3',
      items: [...sampleRegistration().items, { field: 'XM', name: '姓名', data_type: 'C', sensitive: false }],
    });
    const r1 = await h.call('POST', '/dprs/catalog/resources', { token: dept, body: bad });
    expect(r1.body.data.map((e: { field: string }) => e.field)).toEqual(['no_share_basis']);
    const r2 = await h.call('POST', '/dprs/catalog/resources', { token: dept, body: { ...bad, no_share_basis: '涉及个人隐私' } });
    expect(r2.body.data.map((e: { field: string }) => e.field).sort()).toEqual(['code', 'items.4.field'].sort());
    const r3 = await h.call('POST', '/dprs/catalog/resources', {
      token: dept,
      body: sampleRegistration({ interfaces: [{ method: 'getRKZP', name: '冒用', function: '冒用公安接口' }] }),
    });
    expect(r3.body.data).toEqual([{ field: 'interfaces.0.method', reason: '方法名 getRKZP 已属于资源 101001/00001' }]);
    const r4 = await h.call('POST', '/dprs/catalog/resources', { token: otherDept, body: sampleRegistration() });
    expect(r4.body.data).toEqual([{ field: 'provider_code', reason: '只能登记本部门（ZC008）的资源' }]);
    const anon = await h.call('POST', '/dprs/catalog/resources', { body: sampleRegistration() });
    expect(anon.status).toBe(401);
    const forged = await h.call('POST', '/dprs/catalog/resources', { token: dept.slice(0, -3) + 'abc', body: sampleRegistration() });
    expect(forged.status).toBe(401);
    expect(forged.body.msg).toMatch(/令牌/);
  });

  it('goes draft → published, is found by text and facets; the department cannot publish, another cannot edit', async () => {
    const created = await h.call('POST', '/dprs/catalog/resources', { token: dept, body: sampleRegistration() });
    expect(created.status).toBe(200);
    expect(created.body.data[0]).toMatchObject({ code: '301010/00001', version: 1, status: 'draft', provider_name: '区人社局' });

    // a draft is invisible to readers and search
    expect((await h.call('GET', '/dprs/catalog/resources/301010/00001')).status).toBe(404);
    expect((await h.call('GET', '/dprs/catalog/resources?q=参保')).body.data[0].total).toBe(0);

    const edit = await h.call('PUT', '/dprs/catalog/resources/301010/00001', { token: otherDept, body: sampleRegistration() });
    expect(edit.status).toBe(403);
    const ownEdit = await h.call('PUT', '/dprs/catalog/resources/301010/00001', { token: dept, body: sampleRegistration({ summary: '全区社会保险参保登记、缴费状态（修改）。' }) });
    expect(ownEdit.body.data[0].registration.summary).toContain('修改');

    const byDept = await h.call('POST', '/dprs/catalog/resources/301010/00001/publish', { token: dept });
    expect(byDept.status).toBe(403);
    const rejected = await h.call('POST', '/dprs/catalog/resources/301010/00001/reject', { token: operator, body: { reason: '摘要不完整' } });
    expect(rejected.body.data[0]).toMatchObject({ status: 'rejected', review_note: '摘要不完整' });
    await h.call('PUT', '/dprs/catalog/resources/301010/00001', { token: dept, body: sampleRegistration() });
    const published = await h.call('POST', '/dprs/catalog/resources/301010/00001/publish', { token: operator });
    expect(published.body.data[0]).toMatchObject({ status: 'published', version: 1 });

    const text = await h.call('GET', '/dprs/catalog/resources?q=' + encodeURIComponent('参保 cbzt'));
    expect(text.body.data[0].results.map((x: { code: string }) => x.code)).toEqual(['301010/00001']);
    const byProvider = await h.call('GET', '/dprs/catalog/resources?q=' + encodeURIComponent('人社'));
    expect(byProvider.body.data[0].results.map((x: { code: string }) => x.code)).toEqual(['301010/00001']);
    const facet = await h.call('GET', '/dprs/catalog/resources?provider=ZC010&share_mode=' + encodeURIComponent('接口'));
    expect(facet.body.data[0].total).toBe(1);
    const all = await h.call('GET', '/dprs/catalog/resources?page_size=2&sort=code');
    const r = all.body.data[0];
    expect(r.total).toBe(4);
    expect(r.results.map((x: { code: string }) => x.code)).toEqual(['101001/00001', '102001/00001']);
    expect(r.facets.category).toEqual(expect.arrayContaining([{ value: '基础', label: '基础', count: 3 }, { value: '部门', label: '部门', count: 1 }]));
    expect(r.facets.provider.find((p: { value: string }) => p.value === 'ZC010')).toEqual({ value: 'ZC010', label: '区人社局', count: 1 });
    expect(r.facets.share_type.find((p: { value: string }) => p.value === '2')).toEqual({ value: '2', label: '有条件共享', count: 1 });
    // a facet's own filter does not hide its other values
    const filtered = (await h.call('GET', '/dprs/catalog/resources?category=' + encodeURIComponent('部门'))).body.data[0];
    expect(filtered.total).toBe(1);
    expect(filtered.facets.category.length).toBe(2);
    expect((await h.call('GET', '/dprs/catalog/resources?page_size=0')).body).toEqual({ msg: '参数错误：page_size 应为 1 至 100 的整数', result_code: '400', data: [] });
    const methods = (await h.call('GET', '/dprs/catalog/listMethods')).body.data.map((m: { method: string }) => m.method);
    expect(methods).toEqual(['batchRKHY', 'getDZZZ', 'getDZZZHY', 'getFRXX', 'getRKHY', 'getRKZP', 'getSBCB']);
  });

  it('revises into version 2 while version 1 stays readable and comparable; retiring hides it from search', async () => {
    const v2body = sampleRegistration({
      update_cycle: '实时',
      items: [...sampleRegistration().items.slice(0, 3), { field: 'JFZT', name: '缴费状态', data_type: 'C', length: 2, sensitive: false }],
    });
    const other = await h.call('POST', '/dprs/catalog/resources/301010/00001/revise', { token: otherDept, body: v2body });
    expect(other.status).toBe(403);
    const rev = await h.call('POST', '/dprs/catalog/resources/301010/00001/revise', { token: dept, body: v2body });
    expect(rev.body.data[0]).toMatchObject({ version: 2, status: 'draft' });
    // until published, readers still see version 1
    expect((await h.call('GET', '/dprs/catalog/resources/301010/00001')).body.data[0].version).toBe(1);
    await h.call('POST', '/dprs/catalog/resources/301010/00001/publish', { token: operator });
    const current = (await h.call('GET', '/dprs/catalog/resources/301010/00001')).body.data[0];
    expect(current).toMatchObject({ version: 2, status: 'published' });
    const v1 = (await h.call('GET', '/dprs/catalog/resources/301010/00001/versions/1')).body.data[0];
    expect(v1).toMatchObject({ version: 1, status: 'superseded' });
    expect(v1.registration.items.map((i: { field: string }) => i.field)).toContain('CBRQ');
    const versions = (await h.call('GET', '/dprs/catalog/resources/301010/00001/versions')).body.data;
    expect(versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([[1, 'superseded'], [2, 'published']]);
    const diff = (await h.call('GET', '/dprs/catalog/resources/301010/00001/diff?from=1&to=2')).body.data[0];
    expect(diff.fields).toEqual([{ field: 'update_cycle', from: '每日', to: '实时' }]);
    expect(diff.items).toEqual({ added: ['JFZT'], removed: ['CBRQ'], changed: [] });
    // search shows one row per resource
    expect((await h.call('GET', '/dprs/catalog/resources?q=' + encodeURIComponent('参保'))).body.data[0].total).toBe(1);

    const retired = await h.call('POST', '/dprs/catalog/resources/301010/00001/retire', { token: operator, body: { reason: '业务调整' } });
    expect(retired.body.data[0].status).toBe('retired');
    expect((await h.call('GET', '/dprs/catalog/resources?q=' + encodeURIComponent('参保'))).body.data[0].total).toBe(0);
    expect((await h.call('GET', '/dprs/catalog/resources/301010/00001')).body.data[0].status).toBe('retired');
    expect((await h.call('GET', '/dprs/catalog/listMethods')).body.data.map((m: { method: string }) => m.method)).not.toContain('getSBCB');
  });

  it('answers malformed input with the envelope, never a stack trace', async () => {
    const r = await fetch(h.url('/dprs/catalog/resources'), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${dept}` }, body: '{"code":' });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ msg: '参数错误：body 请求体不是合法的JSON', result_code: '400', data: [] });
    const notObject = await h.call('POST', '/dprs/catalog/resources', { token: dept, body: [1, 2] });
    expect(notObject.body.data).toEqual([{ field: '', reason: '应为 JSON 对象' }]);
    const role = await h.call('GET', '/dprs/catalog/resources', { token: h.token({ sub: 'x', role: 'admin' }) });
    expect(role.status).toBe(401);
    expect((await h.call('GET', '/dprs/catalog/resources/999/1')).body.msg).toContain('资源代码');
    expect((await h.call('GET', '/dprs/catalog/resources/101001/00001?version=x')).status).toBe(400);
    expect((await h.call('GET', '/dprs/catalog/resources?q=a&q=b')).body.msg).toBe('参数错误：q 只能出现一次');
    expect((await h.call('GET', '/dprs/catalog/resources?q=' + encodeURIComponent('100%_!'))).body.data[0].total).toBe(0);
  });

  it('lists and searches the 214 licensing items', async () => {
    const all = (await h.call('GET', '/dprs/catalog/licensing-items?page_size=300')).body.data[0];
    expect(all.total).toBe(214);
    expect(all.results[213]).toEqual({ seq: 214, code: 'XK214', department: '区烟草专卖局', name: '烟草零售许可证' });
    const q = (await h.call('GET', '/dprs/catalog/licensing-items?q=' + encodeURIComponent('公章刻制'))).body.data[0];
    expect(q.results[0]).toMatchObject({ department: '区公安分局' });
    const byCode = (await h.call('GET', '/dprs/catalog/licensing-items?q=xk001')).body.data[0];
    expect(byCode.results.map((x: { code: string }) => x.code)).toEqual(['XK001']);
  });
});
