/**
 * The operator's view: who looked a person up (through the keyed hash), the chain's state,
 * per-consumer statistics; nobody but an operator gets in.
 */
import { signToken } from '../../core/jwt';
import { STORAGE_TARGETS } from '../support/databases';
import type { TestContext } from '../support/context';
import { testGateway, TestGateway } from '../support/gateway';
import { CONSUMER, Fixtures, postJson, PURPOSE, tokenFor } from '../support/lookups';

describe.each(STORAGE_TARGETS)('operator API on %s', (target) => {
  let ctx: TestContext;
  let gw: TestGateway;
  let fx: Fixtures;
  let base: string;
  let operator: Record<string, string>;

  beforeAll(async () => {
    gw = await testGateway(target);
    ({ ctx, fx, base } = gw);
    operator = { authorization: `Bearer ${signToken(ctx.config, { sub: 'ops', role: 'operator' })}` };
    const headers = gw.headers;
    await postJson(base, 'getRKZP', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }, headers);
    await postJson(base, 'getRKHY', { xm: '别人', gmsfzh: fx.alice.gmsfzh }, headers);
    await postJson(base, 'getFRXX', { tyshxydm: fx.firm.tyshxydm }, headers);
  });
  afterAll(() => gw.close());

  const get = async (path: string, headers: Record<string, string>) => {
    const r = await fetch(base + path, { headers });
    return { status: r.status, body: (await r.json()) as { result_code: string; msg: string; data: Record<string, unknown>[] } };
  };

  it('lists who looked a person up, when and why, newest first', async () => {
    const r = await get(`/dprs/admin/audit/lookups?gmsfzh=${fx.alice.gmsfzh}`, operator);
    expect(r.status).toBe(200);
    expect(r.body.data.map((x) => x.method)).toEqual(['getRKHY', 'getRKZP']);
    expect(r.body.data[0]).toMatchObject({ consumerId: CONSUMER, purpose: '办理个体工商户营业执照', resultCode: '200', interface: 'json' });
    expect(JSON.stringify(r.body)).not.toContain(fx.alice.gmsfzh);
    const firm = await get(`/dprs/admin/audit/lookups?tyshxydm=${fx.firm.tyshxydm.toLowerCase()}`, operator);
    expect(firm.body.data.map((x) => x.method)).toEqual(['getFRXX']);
  });

  it('finds a person inside a batch comparison too', async () => {
    const other = { xm: '某人', gmsfzh: '11010519491231002X' };
    const headers = { authorization: `Bearer ${tokenFor(ctx.config)}`, 'x-purpose': PURPOSE };
    const r = await postJson(base, 'batchRKHY', { items: [other, { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }, { xm: 'x', gmsfzh: '1' }] }, headers);
    expect(r.body.result_code).toBe('200');
    const seen = await get(`/dprs/admin/audit/lookups?gmsfzh=${fx.alice.gmsfzh}`, operator);
    expect(seen.body.data.map((x) => x.method)).toEqual(['batchRKHY', 'getRKHY', 'getRKZP']);
    const someoneElse = await get('/dprs/admin/audit/lookups?gmsfzh=11010519491231002X', operator);
    expect(someoneElse.body.data.map((x) => x.method)).toEqual(['batchRKHY']);
    // the per-person hashes are covered by the chain: editing one is reported
    expect((await get('/dprs/admin/audit/verify', operator)).body.data[0]).toMatchObject({ ok: true });
    const [k] = await ctx.db('audit_keys').orderBy('position').limit(1);
    await ctx.db('audit_keys').where({ audit_id: k.audit_id, position: k.position }).update({ query_key_hash: 'f'.repeat(64) });
    const v = (await get('/dprs/admin/audit/verify', operator)).body.data[0];
    expect(v).toMatchObject({ ok: false, id: Number(k.audit_id), problem: expect.stringContaining('批量查询') });
    await ctx.db('audit_keys').where({ audit_id: k.audit_id, position: k.position }).update({ query_key_hash: k.query_key_hash });
  });

  it('checks the key it is given', async () => {
    const bad = await get('/dprs/admin/audit/lookups?gmsfzh=110105194912310021', operator);
    expect(bad.status).toBe(400);
    expect(bad.body.msg).toBe('参数错误：gmsfzh 公民身份号码校验位错误');
    const none = await get('/dprs/admin/audit/lookups', operator);
    expect(none.status).toBe(400);
  });

  it('reports the chain and the statistics', async () => {
    const v = await get('/dprs/admin/audit/verify', operator);
    expect(v.body.data[0]).toMatchObject({ ok: true });
    const s = await get('/dprs/admin/stats?hours=1', operator);
    const rows = s.body.data.filter((x) => x.consumerId === CONSUMER && x.method !== 'batchRKHY');
    expect(rows.map((x) => [x.method, x.calls, x.errors])).toEqual([
      ['getFRXX', 1, 0],
      ['getRKHY', 1, 0],
      ['getRKZP', 1, 0],
    ]);
    expect(typeof rows[0].avgMs).toBe('number');
  });

  it('lets no one else in', async () => {
    expect((await get(`/dprs/admin/audit/lookups?gmsfzh=${fx.alice.gmsfzh}`, {})).status).toBe(401);
    const dept = { authorization: `Bearer ${signToken(ctx.config, { sub: 'gongan', role: 'department', dept: 'ZC005' })}` };
    expect((await get(`/dprs/admin/audit/lookups?gmsfzh=${fx.alice.gmsfzh}`, dept)).status).toBe(403);
    const consumer = { authorization: `Bearer ${tokenFor(ctx.config)}` };
    expect((await get('/dprs/admin/stats', consumer)).status).toBe(403);
  });
});
