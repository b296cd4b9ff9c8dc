/**
 * Grants always decide (issue 10): a consumer granted two items of 人口户籍信息 keeps getting
 * exactly those two, masked as granted, through every revision and republication of the
 * resource — including one that declares getRKZP's return fields (业务返回参数, as the 附件3
 * template asks) — over JSON and SOAP. And verification is not an oracle: getRKHY, batchRKHY
 * and getDZZZHY answer only under a grant of the items they compare, unmasked.
 */
import { addConsumer } from '../../../catalog/consumers';
import { createGrant } from '../../../catalog/grants';
import { publish, revise } from '../../../catalog/lifecycle';
import { publishedVersion, Registration } from '../../../catalog/resources';
import { parseInterfaceTemplate } from '../../../catalog/template';
import { startServer, RunningServer } from '../../../scripts/app/server';
import { ALL_LOOKUPS } from '../../../scripts/demo';
import { STORAGE_TARGETS } from '../../support/databases';
import { testContext, TestContext } from '../../support/context';
import { Fixtures, insertFixtures, postJson, PURPOSE, tokenFor } from '../../support/lookups';
import { EnvelopeBody, postSoap, soapEnvelope, soapReturn } from '../../support/hostile';

const POPULATION = '101001/00001';
const LICENCE = '105001/00001';
const OPERATOR = { role: 'operator' as const, sub: 'grants-suite' };

describe.each(STORAGE_TARGETS)('grants always decide on %s', (target) => {
  let ctx: TestContext;
  let server: RunningServer;
  let fx: Fixtures;
  let base: string;

  beforeAll(async () => {
    ctx = await testContext(target);
    fx = await insertFixtures(ctx.db);
    server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    await ctx.dispose().catch(() => undefined);
  });

  const consumerWith = async (id: string, grants: Array<{ resource: string; items: string[]; masked?: string[] }>) => {
    await addConsumer(ctx.db, { id, name: `授权测试 ${id}`, methods: ALL_LOOKUPS });
    for (const g of grants) {
      await createGrant(ctx.db, { consumer_id: id, resource_code: g.resource, application_id: null, items: g.items, masked_items: g.masked ?? [], expires_at: null });
    }
    return { authorization: `Bearer ${tokenFor(ctx.config, id)}`, 'x-purpose': PURPOSE };
  };

  const call = async (iface: 'json' | 'soap', method: string, params: Record<string, string>, headers: Record<string, string>): Promise<EnvelopeBody> => {
    if (iface === 'json') return (await postJson(base, method, params, headers)).body;
    const env = soapReturn((await postSoap(base, soapEnvelope(method, params), headers)).text);
    expect(env).not.toBeNull();
    return env!;
  };

  /** A revision by the provider, published by the operator. */
  const republish = async (change: (reg: Registration) => Registration | undefined) => {
    const current = (await publishedVersion(ctx.db, POPULATION))!;
    const body = change(structuredClone(current.registration));
    const draft = await revise(ctx.db, OPERATOR, POPULATION, body);
    await publish(ctx.db, OPERATOR, POPULATION);
    expect((await publishedVersion(ctx.db, POPULATION))!.version).toBe(draft.version);
  };

  it('two granted items, one masked, stay exactly that through revisions and republications', async () => {
    const headers = await consumerWith('two-items', [{ resource: POPULATION, items: ['XM', 'GMSFZH'], masked: ['GMSFZH'] }]);
    const alice = { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh };
    const expectTwoItems = async (when: string) => {
      for (const iface of ['json', 'soap'] as const) {
        const env = await call(iface, 'getRKZP', alice, headers);
        expect({ when, iface, code: env.result_code }).toEqual({ when, iface, code: '200' });
        expect(Object.keys(env.data[0])).toEqual(['GMSFZH', 'XM']);
        expect(env.data[0].XM).toBe(fx.alice.xm);
        expect(env.data[0].GMSFZH).not.toBe(fx.alice.gmsfzh);
        expect(String(env.data[0].GMSFZH)).toMatch(/\*/);
        expect(JSON.stringify(env)).not.toContain(fx.alice.gmsfzh);
      }
    };

    await expectTwoItems('as first published');
    // the department declares getRKZP's 业务返回参数, as the 附件3 template asks
    const template = parseInterfaceTemplate();
    await republish((reg) => {
      const rkzp = reg.interfaces!.find((i) => i.method === 'getRKZP')!;
      rkzp.fields = template.fields.map((f) => ({ field: f.field, name: f.name, db_type: f.db_type, requirement: f.requirement }));
      return reg;
    });
    await expectTwoItems('after a revision declaring the return fields');
    await republish(() => undefined); // a revision that copies the published version
    await expectTwoItems('after a plain republication');
    await republish((reg) => {
      reg.summary += '（修订：补充说明）';
      reg.interfaces!.find((i) => i.method === 'getRKZP')!.fields = [{ field: 'XM', name: '姓名', db_type: 'VARCHAR2' }];
      return reg;
    });
    await expectTwoItems('after a revision declaring fewer return fields');
  });

  it('a verification needs a grant of the items it compares, unmasked; otherwise 403 and no verdict', async () => {
    const alice = { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh };
    const oneHarmlessItem = await consumerWith('mz-only', [{ resource: POPULATION, items: ['MZ'] }]);
    const maskedName = await consumerWith('masked-name', [{ resource: POPULATION, items: ['XM', 'GMSFZH'], masked: ['XM'] }]);
    const verifier = await consumerWith('verifier', [{ resource: POPULATION, items: ['XM', 'GMSFZH'] }]);
    for (const iface of ['json', 'soap'] as const) {
      for (const headers of [oneHarmlessItem, maskedName]) {
        const env = await call(iface, 'getRKHY', alice, headers);
        expect(env).toMatchObject({ result_code: '403', data: [] });
        expect(env.msg).toMatch(/^无权限：未获授权调用 getRKHY：核验须获授权比对的信息项 .*XM/);
      }
      expect(await call(iface, 'getRKHY', alice, verifier)).toEqual({ msg: '操作成功', result_code: '200', data: [{ HYJG: '一致', HYJGDM: '1' }] });
      expect((await call(iface, 'getRKHY', { xm: '不是她', gmsfzh: fx.alice.gmsfzh }, verifier)).data).toEqual([{ HYJG: '不一致', HYJGDM: '2' }]);
    }
    const batch = { items: [alice, { xm: '不是她', gmsfzh: fx.alice.gmsfzh }] };
    const refused = await postJson(base, 'batchRKHY', batch, oneHarmlessItem);
    expect(refused.status).toBe(403);
    expect(refused.body.data).toEqual([]);
    expect(refused.text).not.toMatch(/一致|查无此人/);
    const answered = await postJson(base, 'batchRKHY', batch, verifier);
    expect(answered.body.data.map((d) => d.HYJGDM)).toEqual(['1', '2']);

    // 证照核验 compares a licence number with its holder
    const check = { zzbh: fx.licences.valid, czztdm: fx.firm.tyshxydm };
    const nameOnly = await consumerWith('licence-name', [{ resource: LICENCE, items: ['ZZMC', 'ZZZT'] }]);
    const licenceVerifier = await consumerWith('licence-verifier', [{ resource: LICENCE, items: ['ZZBH', 'CZZTDM'] }]);
    for (const iface of ['json', 'soap'] as const) {
      expect(await call(iface, 'getDZZZHY', check, nameOnly)).toMatchObject({ result_code: '403', data: [] });
      expect((await call(iface, 'getDZZZHY', check, licenceVerifier)).data).toEqual([{ HYJG: '有效', HYJGDM: '1' }]);
    }
  });
});
