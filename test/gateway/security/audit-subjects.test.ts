/**
 * Who looked me up covers licences (issue 10): a lookup is found by every subject it asked
 * about or answered with, not only by its query key. A licence found by its number names its
 * holder; 证照核验 names the holder it checks; a company found by name has a credit code.
 */
import { verifyChain } from '../../../gateway/auditing/store';
import { startServer, RunningServer } from '../../../scripts/app/server';
import { signToken } from '../../../core/jwt';
import { STORAGE_TARGETS } from '../../support/databases';
import { testContext, TestContext } from '../../support/context';
import { Fixtures, insertFixtures, postJson, PURPOSE, tokenFor } from '../../support/lookups';

describe.each(STORAGE_TARGETS)('audit subject keys on %s', (target) => {
  let ctx: TestContext;
  let server: RunningServer;
  let fx: Fixtures;
  let base: string;
  let headers: Record<string, string>;

  beforeAll(async () => {
    ctx = await testContext(target);
    fx = await insertFixtures(ctx.db);
    // a licence held by a natural person: alice
    await ctx.db('licence').insert({
      zzbh: 'ZC-PERSON-1', zzmc: '残疾人证', zzlxdm: '0099', czzt: fx.alice.xm, czztdm: fx.alice.gmsfzh, czztdmlx: '公民身份号码', zzbfjg: '周村区残联',
      zzbfrq: '20200101', zzyxqqsrq: '20200101', zzyxqjzrq: null, zzzt: '有效', sxmc: '残疾人证核发', synced_at: 1, deleted: false, source_job: 'test',
    });
    server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
    headers = { authorization: `Bearer ${tokenFor(ctx.config)}`, 'x-purpose': PURPOSE };
  });
  afterAll(async () => {
    await server.close();
    await ctx.dispose().catch(() => undefined);
  });

  const whoLookedUp = async (kind: string, key: string): Promise<string[]> => {
    const r = await fetch(`${base}/dprs/admin/audit/lookups?${kind}=${encodeURIComponent(key)}`, { headers: { authorization: `Bearer ${signToken(ctx.config, { sub: 'auditor', role: 'operator' })}` } });
    const body = (await r.json()) as { result_code: string; data: Array<{ method: string }> };
    expect(body.result_code).toBe('200');
    return body.data.map((d) => d.method);
  };

  it('a licence looked up by number is found by its holder, a person', async () => {
    expect(await whoLookedUp('gmsfzh', fx.alice.gmsfzh)).toEqual([]);
    expect((await postJson(base, 'getDZZZ', { zzbh: 'ZC-PERSON-1' }, headers)).body.result_code).toBe('200');
    expect(await whoLookedUp('gmsfzh', fx.alice.gmsfzh)).toEqual(['getDZZZ']);
    expect(await whoLookedUp('zzbh', 'ZC-PERSON-1')).toEqual(['getDZZZ']);
  });

  it('证照核验 is found by the holder it checks; a company found by name by its credit code', async () => {
    const before = await whoLookedUp('tyshxydm', fx.firm.tyshxydm);
    expect((await postJson(base, 'getDZZZHY', { zzbh: fx.licences.valid, czztdm: fx.firm.tyshxydm }, headers)).body.data).toEqual([{ HYJG: '有效', HYJGDM: '1' }]);
    expect((await postJson(base, 'getFRXX', { jgmc: fx.firm.jgmc }, headers)).body.result_code).toBe('200');
    expect(await whoLookedUp('tyshxydm', fx.firm.tyshxydm)).toEqual(['getFRXX', 'getDZZZHY', ...before]);
    expect(await whoLookedUp('czztdm', fx.firm.tyshxydm)).toEqual(['getFRXX', 'getDZZZHY', ...before]);
    expect(await whoLookedUp('jgmc', fx.firm.jgmc)).toEqual(['getFRXX']);
    expect(await verifyChain(ctx.db)).toMatchObject({ ok: true });
  });
});
