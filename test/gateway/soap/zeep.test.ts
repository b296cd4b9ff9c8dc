/**
 * Interoperability with an independent SOAP client: python3-zeep loads the WSDL from a running
 * gateway and calls every operation; its parsed `return` envelopes must be identical to the
 * JSON interface's envelopes for the same input. In CI a missing zeep fails the suite.
 */
import { STORAGE_TARGETS } from '../../support/databases';
import type { TestContext } from '../../support/context';
import { testGateway, TestGateway } from '../../support/gateway';
import { Fixtures, postJson, PURPOSE, tokenFor } from '../../support/lookups';
import { callWithZeep, freePort, zeepPresent, zeepSuiteRuns } from '../../support/zeep';

const suite = zeepSuiteRuns ? describe.each(STORAGE_TARGETS) : describe.skip.each(STORAGE_TARGETS);

suite('zeep interoperability on %s', (target) => {
  let ctx: TestContext;
  let gw: TestGateway;
  let fx: Fixtures;
  let base: string;

  beforeAll(async () => {
    // the WSDL's soap:address must be where zeep can reach the service
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    gw = await testGateway(target, { env: { PUBLIC_URL: base }, port });
    ({ ctx, fx } = gw);
  });
  afterAll(() => gw?.close());

  it('zeep is installed (required in CI)', () => {
    expect(zeepPresent).toBe(true);
  });

  it("zeep's envelopes equal the JSON interface's for every operation", async () => {
    const token = tokenFor(ctx.config);
    const wrongCheck = fx.alice.gmsfzh.slice(0, 17) + (fx.alice.gmsfzh[17] === '0' ? '1' : '0');
    const calls: { op: string; params: Record<string, string> }[] = [
      { op: 'getRKZP', params: { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh } },
      { op: 'getRKZP', params: { xm: fx.legacy.xm, gmsfzh: fx.legacy.id15 } },
      { op: 'getRKZP', params: { xm: fx.ghost.xm, gmsfzh: fx.ghost.gmsfzh } },
      { op: 'getRKZP', params: { xm: fx.alice.xm, gmsfzh: wrongCheck } },
      { op: 'getRKHY', params: { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh } },
      { op: 'getRKHY', params: { xm: '另一个人', gmsfzh: fx.alice.gmsfzh } },
      { op: 'getRKHY', params: { xm: fx.ghost.xm, gmsfzh: fx.ghost.gmsfzh } },
      { op: 'getFRXX', params: { tyshxydm: fx.firm.tyshxydm } },
      { op: 'getFRXX', params: { jgmc: fx.firm.jgmc } },
      { op: 'getFRXX', params: { tyshxydm: fx.deletedFirm.tyshxydm } },
      { op: 'getDZZZ', params: { zzbh: fx.licences.longTerm } },
      { op: 'getDZZZ', params: { czztdm: fx.firm.tyshxydm, zzlxdm: '0042' } },
      { op: 'getDZZZHY', params: { zzbh: fx.licences.valid, czztdm: fx.firm.tyshxydm } },
      { op: 'getDZZZHY', params: { zzbh: fx.licences.expired, czztdm: fx.firm.tyshxydm } },
      { op: 'getDZZZHY', params: { zzbh: fx.licences.revoked, czztdm: fx.firm.tyshxydm } },
      { op: 'getDZZZHY', params: { zzbh: 'NO-SUCH', czztdm: fx.firm.tyshxydm } },
    ];
    const viaZeep = await callWithZeep(`${base}/dprs/webService/DataService?wsdl`, { token, purpose: PURPOSE, calls });
    expect(viaZeep.map((r) => r.op)).toEqual(calls.map((c) => c.op));
    expect(new Set(viaZeep.map((r) => r.op))).toEqual(new Set(['getRKZP', 'getRKHY', 'getFRXX', 'getDZZZ', 'getDZZZHY']));

    const headers = { authorization: `Bearer ${token}`, 'x-purpose': PURPOSE };
    for (let i = 0; i < calls.length; i++) {
      const json = await postJson(base, calls[i].op, calls[i].params, headers);
      expect({ op: calls[i].op, envelope: viaZeep[i].envelope }).toEqual({ op: calls[i].op, envelope: json.body });
    }
    expect(viaZeep[0].envelope.result_code).toBe('200');
    expect(Object.keys(viaZeep[0].envelope.data[0])).toEqual(['RYBH', 'GMSFZH', 'XM', 'CSRQ', 'MZ', 'XB', 'JG', 'CSD', 'HJD']);
    expect(viaZeep.map((r) => r.envelope.result_code)).toEqual(['200', '200', '404', '400', '200', '200', '200', '200', '200', '404', '200', '200', '200', '200', '200', '200']);
  });
});
