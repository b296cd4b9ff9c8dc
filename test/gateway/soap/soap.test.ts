/**
 * The WebService with hand-written SOAP 1.1 requests: any namespace prefixes, with or without
 * SOAPAction; business outcomes as envelopes in `return` (HTTP 200); anything that is not
 * valid SOAP as a SOAP 1.1 Fault (HTTP 500) without a stack; DTDs refused before parsing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';
import { soapAnswerXml } from '../../../gateway/soap/service';
import { dataServiceWsdl, SOAP_PATH, soapOperations } from '../../../schemas/wsdl';
import { STORAGE_TARGETS } from '../../support/databases';
import type { TestContext } from '../../support/context';
import { testGateway, TestGateway } from '../../support/gateway';
import { auditCount, Fixtures, postJson, PURPOSE, tokenFor } from '../../support/lookups';

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const TNS = 'http://dprs.zhoucun.gov.cn/';
/** stack frames, source paths, or node-soap internals */
const LEAK = /\n\s*at |\bat [\w.<>]+ \(|\.ts:\d|\.js:\d|node_modules|\/work\/|Error:/;

function unescapeXml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#(\d+);/g, (_m, d) => String.fromCodePoint(Number(d))).replace(/&amp;/g, '&');
}

function returned(xml: string): { msg: string; result_code: string; data: Record<string, unknown>[] } {
  const m = /<return>([\s\S]*?)<\/return>/.exec(xml);
  if (!m) throw new Error(`no <return> in ${xml.slice(0, 300)}`);
  return JSON.parse(unescapeXml(m[1]));
}

const params = (p: Record<string, string>, prefix = '') => Object.entries(p).map(([k, v]) => `<${prefix}${k}>${v}</${prefix}${k}>`).join('');

const envelopes = {
  's: prefix': (op: string, p: Record<string, string>) =>
    `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${SOAP11}" xmlns:d="${TNS}"><s:Header/><s:Body><d:${op}>${params(p)}</d:${op}></s:Body></s:Envelope>`,
  'env: prefix': (op: string, p: Record<string, string>) =>
    `<env:Envelope xmlns:env="${SOAP11}"><env:Body><ns1:${op} xmlns:ns1="${TNS}">${params(p)}</ns1:${op}></env:Body></env:Envelope>`,
  'SOAP-ENV: prefix': (op: string, p: Record<string, string>) =>
    `<?xml version="1.0"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP11}" xmlns:tns="${TNS}">\n  <SOAP-ENV:Body>\n    <tns:${op}>\n      ${params(p)}\n    </tns:${op}>\n  </SOAP-ENV:Body>\n</SOAP-ENV:Envelope>`,
  'default namespace': (op: string, p: Record<string, string>) =>
    `<Envelope xmlns="${SOAP11}"><Body><${op} xmlns="${TNS}">${params(p)}</${op}></Body></Envelope>`,
};

describe.each(STORAGE_TARGETS)('SOAP WebService on %s', (target) => {
  let ctx: TestContext;
  let gw: TestGateway;
  let fx: Fixtures;
  let base: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    gw = await testGateway(target, { env: { PUBLIC_URL: 'https://dprs.example.gov.cn:8443' } });
    ({ ctx, fx, base } = gw);
    auth = gw.headers;
  });
  afterAll(() => gw.close());

  const post = async (body: string, headers: Record<string, string> = auth) => {
    const r = await fetch(`${base}/dprs/webService/DataService`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', ...headers }, body });
    return { status: r.status, text: await r.text() };
  };

  const expectFault = (r: { status: number; text: string }, reason?: RegExp) => {
    expect(r.status).toBe(500);
    expect(r.text).toMatch(new RegExp(`<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body><soap:Fault><faultcode>soap:(Client|Server|VersionMismatch)</faultcode>`));
    if (reason) expect(r.text).toMatch(reason);
    expect(r.text).not.toMatch(LEAK);
  };

  it('serves the hand-written WSDL with soap:address = PUBLIC_URL + path', async () => {
    for (const q of ['wsdl', 'WSDL']) {
      const r = await fetch(`${base}/dprs/webService/DataService?${q}`);
      expect(r.status).toBe(200);
      const xml = await r.text();
      expect(xml).toContain('<soap:address location="https://dprs.example.gov.cn:8443/dprs/webService/DataService"/>');
      for (const op of ['getRKZP', 'getRKHY', 'getFRXX', 'getDZZZ', 'getDZZZHY']) expect(xml).toContain(`<wsdl:operation name="${op}">`);
      expect(xml).toContain(`targetNamespace="${TNS}"`);
    }
  });

  describe.each(Object.entries(envelopes))('%s', (_label, envelope) => {
    it.each([
      ['without SOAPAction', {}],
      ['with the full SOAPAction', { soapaction: `"${TNS}getRKZP"` }],
      ['with an empty SOAPAction', { soapaction: '""' }],
    ])('getRKZP %s', async (_l, action) => {
      const r = await post(envelope('getRKZP', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }), { ...auth, ...action });
      expect(r.status).toBe(200);
      const env = returned(r.text);
      expect(env.result_code).toBe('200');
      expect(Object.keys(env.data[0])).toEqual(['RYBH', 'GMSFZH', 'XM', 'CSRQ', 'MZ', 'XB', 'JG', 'CSD', 'HJD']);
      expect(env.data[0].GMSFZH).toBe(fx.alice.gmsfzh);
    });
  });

  it('gives the same envelope as the JSON interface, and audits it as soap', async () => {
    const cases: [string, Record<string, string>][] = [
      ['getRKZP', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }],
      ['getRKHY', { xm: '另一个人', gmsfzh: fx.alice.gmsfzh }],
      ['getFRXX', { jgmc: fx.firm.jgmc }],
      ['getDZZZ', { czztdm: fx.firm.tyshxydm }],
      ['getDZZZHY', { zzbh: fx.licences.expired, czztdm: fx.firm.tyshxydm }],
      ['getRKZP', { xm: fx.ghost.xm, gmsfzh: fx.ghost.gmsfzh }],
    ];
    for (const [op, p] of cases) {
      const before = await auditCount(ctx.db);
      const soapAnswer = await post(envelopes['s: prefix'](op, p), { ...auth, 'x-request-id': `soap-${op}-${before}` });
      expect(soapAnswer.status).toBe(200);
      expect(await auditCount(ctx.db)).toBe(before + 1);
      const row = await ctx.db('audit_log').where({ request_id: `soap-${op}-${before}` }).first();
      expect(row).toMatchObject({ interface: 'soap', method: op });
      const json = await postJson(base, op, p, auth);
      expect(returned(soapAnswer.text)).toEqual(json.body);
    }
  });

  it('reads values with attributes (xsi:type, xml:lang), CDATA and entities as text', async () => {
    const body =
      `<s:Envelope xmlns:s="${SOAP11}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><s:Body>` +
      `<d:getRKHY xmlns:d="${TNS}"><xm xsi:type="xsd:string" xml:lang="zh">${fx.alice.xm}</xm><gmsfzh><![CDATA[${fx.alice.gmsfzh}]]></gmsfzh></d:getRKHY></s:Body></s:Envelope>`;
    expect(returned((await post(body)).text).data).toEqual([{ HYJG: '一致', HYJGDM: '1' }]);
    const nested = `<s:Envelope xmlns:s="${SOAP11}"><s:Body><getRKHY><xm>&lt;b&gt;</xm><gmsfzh><a>1</a></gmsfzh></getRKHY></s:Body></s:Envelope>`;
    expect(returned((await post(nested)).text).msg).toBe('参数错误：gmsfzh 类型错误，应为字符串');
  });

  it('answers business failures as envelopes with HTTP 200', async () => {
    const body = envelopes['s: prefix']('getRKZP', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh.slice(0, 17) + (fx.alice.gmsfzh[17] === '0' ? '1' : '0') });
    const bad = await post(body);
    expect(bad.status).toBe(200);
    expect(returned(bad.text)).toEqual({ msg: '参数错误：gmsfzh 公民身份号码校验位错误', result_code: '400', data: [] });
    const noToken = await post(body, { 'x-purpose': PURPOSE });
    expect(noToken.status).toBe(200);
    expect(returned(noToken.text)).toEqual({ msg: '未认证：缺少 Authorization: Bearer 令牌', result_code: '401', data: [] });
    const noPurpose = await post(envelopes['s: prefix']('getRKZP', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }), { authorization: auth.authorization });
    expect(returned(noPurpose.text).msg).toBe('参数错误：X-Purpose 缺少事由（百分号编码的UTF-8文本）');
    const forbidden = await post(envelopes['s: prefix']('getFRXX', { tyshxydm: fx.firm.tyshxydm }), { authorization: `Bearer ${tokenFor(ctx.config, 'test-window', ['getRKZP'])}`, 'x-purpose': PURPOSE });
    expect(returned(forbidden.text).result_code).toBe('403');
    const unknownParam = await post(envelopes['s: prefix']('getRKZP', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh, extra: '1' }));
    expect(returned(unknownParam.text).msg).toBe('参数错误：extra 不是可识别的字段');
    const empty = await post(envelopes['s: prefix']('getRKZP', { xm: '', gmsfzh: fx.alice.gmsfzh }));
    expect(returned(empty.text).msg).toBe('参数错误：xm 不能为空');
  });

  describe('not valid SOAP → SOAP 1.1 Fault, HTTP 500, no stack', () => {
    it.each([
      ['malformed XML', `<s:Envelope xmlns:s="${SOAP11}"><s:Body><getRKZP><xm>a</gmsfzh></getRKZP></s:Body></s:Envelope>`, /请求不是合法的XML/],
      ['truncated XML', `<s:Envelope xmlns:s="${SOAP11}"><s:Body><getRKZP><xm>a</xm>`, /请求不是合法的XML/],
      ['trailing garbage', `<s:Envelope xmlns:s="${SOAP11}"><s:Body><getRKZP/></s:Body></s:Envelope><x`, /请求不是合法的XML/],
      ['not XML at all', 'hello', /请求不是 SOAP 信封/],
      ['XML that is not an envelope', '<getRKZP><xm>a</xm></getRKZP>', /请求不是 SOAP 信封/],
      ['an unknown operation', `<s:Envelope xmlns:s="${SOAP11}"><s:Body><d:getSecrets xmlns:d="${TNS}"><a>1</a></d:getSecrets></s:Body></s:Envelope>`, /未知的操作/],
      ['a JSON-only operation', `<s:Envelope xmlns:s="${SOAP11}"><s:Body><d:batchRKHY xmlns:d="${TNS}"/></s:Body></s:Envelope>`, /未知的操作/],
      ['an empty Body', `<s:Envelope xmlns:s="${SOAP11}"><s:Body></s:Body></s:Envelope>`, /未知的操作/],
      ['two operations', `<s:Envelope xmlns:s="${SOAP11}"><s:Body><getRKZP/><getRKHY/></s:Body></s:Envelope>`, /须且只能包含一个操作元素/],
      ['a SOAP 1.2 envelope', `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><getRKZP/></e:Body></e:Envelope>`, /VersionMismatch/],
      ['an empty body', '', /请求体为空/],
    ])('%s', async (_label, body, reason) => {
      expectFault(await post(body), reason);
    });

    it('an unknown operation named by SOAPAction only', async () => {
      expectFault(await post(`<s:Envelope xmlns:s="${SOAP11}"><s:Body><d:nope xmlns:d="${TNS}"/></s:Body></s:Envelope>`, { ...auth, soapaction: `"${TNS}getSecrets"` }), /未知的操作/);
    });

    it('a body over the limit', async () => {
      const big = envelopes['s: prefix']('getRKZP', { xm: 'x'.repeat(ctx.config.bodyLimitBytes), gmsfzh: fx.alice.gmsfzh });
      expectFault(await post(big), /请求体过大/);
    });

    it('other HTTP methods', async () => {
      const r = await fetch(`${base}/dprs/webService/DataService`, { method: 'PUT', body: 'x' });
      expectFault({ status: r.status, text: await r.text() });
    });
  });

  describe('DTDs are refused before any parser sees them', () => {
    it('XXE reading /etc/passwd', async () => {
      const before = await auditCount(ctx.db);
      const body = `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><s:Envelope xmlns:s="${SOAP11}"><s:Body><d:getRKZP xmlns:d="${TNS}"><xm>&xxe;</xm><gmsfzh>${fx.alice.gmsfzh}</gmsfzh></d:getRKZP></s:Body></s:Envelope>`;
      const r = await post(body);
      expectFault(r, /不接受含 DTD 或实体声明的请求/);
      expect(r.text).not.toContain('root:');
      expect(await auditCount(ctx.db)).toBe(before);
    });

    it('a billion-laughs entity bomb, quickly', async () => {
      const lol = ['<!ENTITY lol "lol">'];
      for (let i = 1; i <= 9; i++) lol.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
      const body = `<?xml version="1.0"?><!DOCTYPE lolz [${lol.join('')}]><s:Envelope xmlns:s="${SOAP11}"><s:Body><d:getRKZP xmlns:d="${TNS}"><xm>&lol9;</xm><gmsfzh>1</gmsfzh></d:getRKZP></s:Body></s:Envelope>`;
      const t0 = Date.now();
      const r = await post(body);
      expect(Date.now() - t0).toBeLessThan(1000);
      expectFault(r, /不接受含 DTD 或实体声明的请求/);
      expect(r.text).not.toContain('lollol');
    });

    it('a lower-case or spaced doctype', async () => {
      expectFault(await post(`<?xml version="1.0"?><!doctype x [<!entity a "b">]><s:Envelope xmlns:s="${SOAP11}"><s:Body><getRKZP/></s:Body></s:Envelope>`), /DTD/);
    });
  });

  it('still answers lookups after all of the above', async () => {
    const r = await post(envelopes['env: prefix']('getRKHY', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }));
    expect(returned(r.text).data).toEqual([{ HYJG: '一致', HYJGDM: '1' }]);
  });
});

/**
 * The gateway parses a request once and writes the answer itself; node-soap is the reference
 * for what that answer is. Its server, with the same WSDL and operations returning the same
 * envelope, must write the very same bytes.
 */
describe('answers byte for byte as node-soap would', () => {
  let server: http.Server;
  let url: string;
  let answer: unknown;
  // the six of 附件3 and a declared (generic) lookup's operation
  const operations = soapOperations([['getXXDJ', ['sfzh']]]);

  beforeAll(async () => {
    server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SOAP_PATH}`;
    const port: Record<string, () => { return: string }> = {};
    for (const op of operations.keys()) port[op] = () => ({ return: JSON.stringify(answer) });
    await new Promise<void>((resolve) => soap.listen(server, { path: SOAP_PATH, services: { DataService: { DataServicePort: port } }, xml: dataServiceWsdl(url, operations), callback: () => resolve() }));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const envelopesToAnswer = [
    { msg: '操作成功', result_code: '200', data: [{ XM: '孔军', HJD: '山东省淄博市周村区 <新建路> & "287号" \'甲\'' }] },
    { msg: '参数错误：gmsfzh 公民身份号码校验位错误', result_code: '400', data: [] },
    // each character but the quote alone: the escaping takes its longer way for any of them
    ...["O'Neil", 'A&B', '<甲', '乙>'].map((XM) => ({ msg: '操作成功', result_code: '200', data: [{ XM }] })),
  ];

  it.each([...operations.keys()])('%s', async (op) => {
    for (const envelope of envelopesToAnswer) {
      answer = envelope;
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: envelopes['s: prefix'](op, { a: 'b' }) });
      expect(r.status).toBe(200);
      expect(soapAnswerXml(op, envelope)).toBe(await r.text());
    }
  });
});
