/**
 * Operators are people: catalogue decisions, sync-job changes and admin reads are recorded
 * with the acting person (the token's `sub`) and shown in the operator audit list; a person
 * an operator looked up appears there only as a keyed hash.
 */
import { catalogHarness, CatalogHarness, sampleRegistration } from '../../support/catalog';
import { STORAGE_TARGETS } from '../../support/databases';
import { listOperatorActions, recordOperatorAction } from '../../../gateway/auditing/operator-actions';
import { queryKeyHash } from '../../../gateway/auditing/chain';
import { addConsumer } from '../../../catalog/consumers';
import { ensureDemoGrants } from '../../../catalog/demo-grants';
import { frontEnd } from '../../support/sync';

const PERSON = '11010519491231002X';

describe.each(STORAGE_TARGETS)('operator audit on %s', (target) => {
  let h: CatalogHarness;
  let ops: string;
  let dept: string;

  beforeAll(async () => {
    h = await catalogHarness(target);
    ops = h.token({ sub: 'wang.li', role: 'operator' });
    dept = h.token({ sub: 'rsj-zhang', role: 'department', dept: 'ZC010' });
  });
  afterAll(() => h.close());

  const actions = async () => (await h.call('GET', '/dprs/admin/audit/operators?limit=1000', { token: ops })).body.data as Array<Record<string, any>>;

  it('records publish and reject with the person who decided', async () => {
    expect((await h.call('POST', '/dprs/catalog/resources', { token: dept, body: sampleRegistration() })).status).toBe(200);
    expect((await h.call('POST', '/dprs/catalog/resources/301010/00001/publish', { token: ops })).status).toBe(200);
    expect((await h.call('POST', '/dprs/catalog/resources', { token: dept, body: sampleRegistration({ code: '301010/00002', name: '社会保险缴费信息', interfaces: [{ method: 'getSBJF', name: '社保缴费信息', function: '用于查询社会保险缴费', params: [{ name: 'gmsfzh', description: '居民身份证号', data_type: '字符串' }] }] }) })).status).toBe(200);
    expect((await h.call('POST', '/dprs/catalog/resources/301010/00002/reject', { token: ops, body: { reason: '信息项不全' } })).status).toBe(200);
    const all = await listOperatorActions(h.ctx.db);
    expect(all.find((a) => a.action === 'catalog.publish')).toMatchObject({ actor: 'wang.li', role: 'operator', target: '301010/00001', detail: { version: 1 } });
    expect(all.find((a) => a.action === 'catalog.reject')).toMatchObject({ actor: 'wang.li', target: '301010/00002', detail: { reason: '信息项不全' } });
  });

  it('records a grant revoked and sync-job changes', async () => {
    await addConsumer(h.ctx.db, { id: 'op-audit-window', name: '窗口', methods: ['getRKZP'] });
    await ensureDemoGrants(h.ctx.db, 'op-audit-window', '窗口');
    const grants = (await h.call('GET', '/dprs/catalog/grants', { token: ops })).body.data as Array<{ id: number }>;
    expect(grants.length).toBeGreaterThan(0);
    expect((await h.call('POST', `/dprs/catalog/grants/${grants[0].id}/revoke`, { token: ops })).status).toBe(200);
    expect((await listOperatorActions(h.ctx.db)).find((a) => a.action === 'grant.revoke')).toMatchObject({ actor: 'wang.li', target: `grant:${grants[0].id}` });

    const fe = await frontEnd('sqlite');
    try {
      const job = { ...fe.job(), id: 'op-audit-job' };
      expect((await h.call('PUT', '/dprs/admin/sync/jobs/op-audit-job', { token: ops, body: job })).body).toMatchObject({ result_code: '200' });
      expect((await h.call('DELETE', '/dprs/admin/sync/jobs/op-audit-job', { token: ops })).status).toBe(200);
    } finally {
      await fe.drop();
    }
    const mine = await listOperatorActions(h.ctx.db, { actor: 'wang.li' });
    expect(mine.filter((a) => a.action.startsWith('sync.')).map((a) => [a.action, a.target])).toEqual([
      ['sync.job.remove', 'job:op-audit-job'],
      ['sync.job.save', 'job:op-audit-job'],
    ]);
  });

  it('records admin reads by the person, a looked-up person only as a keyed hash', async () => {
    expect((await h.call('GET', `/dprs/admin/audit/lookups?gmsfzh=${PERSON}`, { token: ops })).status).toBe(200);
    const read = (await actions()).find((a) => a.target === '/dprs/admin/audit/lookups');
    expect(read).toMatchObject({ actor: 'wang.li', action: 'admin.read', detail: { gmsfzh: { keyHash: queryKeyHash(h.ctx.config.auditKey, PERSON) } } });
    expect(JSON.stringify(await h.ctx.db('operator_actions'))).not.toContain(PERSON);
    // the list itself is a read, and answers only operators
    expect((await actions()).some((a) => a.target === '/dprs/admin/audit/operators')).toBe(true);
    expect((await h.call('GET', '/dprs/admin/audit/operators', { token: dept })).status).toBe(403);
    expect((await h.call('GET', '/dprs/admin/audit/operators')).status).toBe(401);
  });

  it('lists one person newest first, canonicalising what it stores', async () => {
    await recordOperatorAction(h.ctx.db, { actor: 'li.\ud800', role: 'operator', action: 'consumer.disable', target: 'consumer:x' });
    const mine = (await h.call('GET', `/dprs/admin/audit/operators?actor=${encodeURIComponent('li.\ufffd')}`, { token: ops })).body.data;
    expect(mine).toEqual([expect.objectContaining({ actor: 'li.\ufffd', action: 'consumer.disable' })]);
    const bad = await h.call('GET', '/dprs/admin/audit/operators?limit=0', { token: ops });
    expect(bad.body.msg).toBe('参数错误：limit 应为 1–1000 的整数');
  });
});
