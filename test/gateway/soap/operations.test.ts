/**
 * The WebService's operations follow the published catalogue without a restart: a snapshot
 * (operations, WSDL, node-soap) is rebuilt only when the published interfaces change, one
 * rebuild shared by concurrent callers, and swapped whole — requests in flight during a
 * rebuild are answered normally. Without a token, nothing is read from storage.
 */
import * as soap from 'soap';
import * as resources from '../../../catalog/resources';
import { publish, register, retire } from '../../../catalog/lifecycle';
import type { Principal } from '../../../catalog/principal';
import type { Registration } from '../../../catalog/resources';
import { STORAGE_TARGETS } from '../../support/databases';
import { testGateway, TestGateway } from '../../support/gateway';
import { sampleRegistration } from '../../support/catalog';
import { PURPOSE, tokenFor } from '../../support/lookups';

const OPERATOR: Principal = { role: 'operator', sub: 'op' };
const RSJ: Principal = { role: 'department', sub: 'rsj', dept: 'ZC010' };
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const TNS = 'http://dprs.zhoucun.gov.cn/';

/** The n-th resource of 区人社局 with one declared lookup getSBn. */
function numbered(n: number): Registration {
  return sampleRegistration({
    code: `301010/${String(n).padStart(5, '0')}`,
    name: `社会保险参保信息${n}`,
    interfaces: [{ method: `getSB${n}`, name: `社保参保信息${n}`, function: '用于查询社会保险参保状态', query: { params: [{ name: 'gmsfzh', item: 'GMSFZH', required: true, check: '公民身份号码' }] } }],
  });
}

describe.each(STORAGE_TARGETS)('WebService operations from the catalogue on %s', (target) => {
  let gw: TestGateway;
  const wsdl = async () => (await fetch(`${gw.base}/dprs/webService/DataService?wsdl`)).text();
  const call = (op: string, params: Record<string, string>, headers: Record<string, string>) =>
    fetch(`${gw.base}/dprs/webService/DataService`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', ...headers },
      body: `<s:Envelope xmlns:s="${SOAP11}" xmlns:d="${TNS}"><s:Body><d:${op}>${Object.entries(params).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</d:${op}></s:Body></s:Envelope>`,
    }).then(async (r) => ({ status: r.status, text: await r.text() }));

  beforeAll(async () => {
    gw = await testGateway(target);
  });
  afterAll(() => gw?.close());
  afterEach(() => jest.restoreAllMocks());

  it('rebuilds nothing while the catalogue is unchanged, and reads nothing for a caller without a token', async () => {
    await wsdl(); // the first snapshot
    const reads = jest.spyOn(resources, 'publishedInterfaceVersions');
    const builds = jest.spyOn(soap, 'createServerless');
    const texts = await Promise.all(Array.from({ length: 20 }, wsdl));
    expect(new Set(texts).size).toBe(1);
    // each reader asks the catalogue (one small query; overlapping readers share one), none rebuilds
    expect(reads.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(reads.mock.calls.length).toBeLessThanOrEqual(20);
    expect(builds).not.toHaveBeenCalled();
    reads.mockClear();
    const anon = await Promise.all(Array.from({ length: 10 }, () => call('getRKZP', { xm: gw.fx.alice.xm, gmsfzh: gw.fx.alice.gmsfzh }, { 'x-purpose': PURPOSE })));
    for (const a of anon) expect(a.text).toContain('&quot;result_code&quot;:&quot;401&quot;');
    const unknown = await call('getSB99', { gmsfzh: gw.fx.alice.gmsfzh }, {});
    expect(unknown.text).toContain('未知的操作');
    expect(reads).not.toHaveBeenCalled();
  });

  it('a WSDL read after a publication shows it, even while a check that read the catalogue before is still running', async () => {
    const real = resources.publishedInterfaceVersions;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    jest.spyOn(resources, 'publishedInterfaceVersions').mockImplementation(async (db) => {
      const versions = await real(db);
      if (first) {
        first = false;
        await gate; // read before the publication, finished after it
      }
      return versions;
    });
    const early = wsdl();
    await new Promise((r) => setTimeout(r, 50));
    await register(gw.ctx.db, RSJ, numbered(7));
    await publish(gw.ctx.db, OPERATOR, numbered(7).code);
    const late = wsdl();
    await new Promise((r) => setTimeout(r, 50));
    release();
    expect(await early).not.toContain('getSB7');
    expect(await late).toContain('<wsdl:operation name="getSB7">');
    await retire(gw.ctx.db, RSJ, numbered(7).code, '测试停用');
  });

  it('adds and removes operations as resources are published and retired; calls in flight meanwhile are answered normally', async () => {
    const before = await wsdl();
    const headers = { authorization: `Bearer ${tokenFor(gw.ctx.config)}`, 'x-purpose': PURPOSE };
    let stop = false;
    const results: string[] = [];
    // steady traffic on a fixed operation throughout the rebuilds
    const traffic = (async () => {
      while (!stop) {
        const batch = await Promise.all(Array.from({ length: 5 }, () => call('getRKZP', { xm: gw.fx.alice.xm, gmsfzh: gw.fx.alice.gmsfzh }, headers)));
        results.push(...batch.map((b) => (b.status === 200 && b.text.includes('&quot;result_code&quot;:&quot;200&quot;') ? 'ok' : b.text.slice(0, 200))));
      }
    })();
    const builds = jest.spyOn(soap, 'createServerless');
    for (let n = 1; n <= 4; n++) {
      await register(gw.ctx.db, RSJ, numbered(n));
      await publish(gw.ctx.db, OPERATOR, numbered(n).code);
      const w = await wsdl();
      for (let k = 1; k <= n; k++) expect(w).toContain(`<wsdl:operation name="getSB${k}">`);
      // a declared operation is served at once by the rebuilt node-soap (503: its library has no data yet)
      const s = await call(`getSB${n}`, { gmsfzh: gw.fx.alice.gmsfzh }, headers);
      expect(s.status).toBe(200);
      expect(s.text).toContain('数据尚未接入');
    }
    await retire(gw.ctx.db, RSJ, numbered(2).code, '测试停用');
    const after = await wsdl();
    expect(after).not.toContain('getSB2');
    expect(after).toContain('getSB4');
    stop = true;
    await traffic;
    // one rebuild per change of the published interfaces: four publications and a retirement
    expect(builds).toHaveBeenCalledTimes(5);
    expect(results.length).toBeGreaterThan(0);
    expect(results.filter((r) => r !== 'ok')).toEqual([]);
    // the fixed operations are there throughout, in the same form
    for (const op of ['getRKZP', 'getRKHY', 'getFRXX', 'getDZZZ', 'getDZZZHY']) {
      expect(before).toContain(`<wsdl:operation name="${op}">`);
      expect(after).toContain(`<wsdl:operation name="${op}">`);
    }
    expect(after).not.toContain('batchRKHY');
  });
});
