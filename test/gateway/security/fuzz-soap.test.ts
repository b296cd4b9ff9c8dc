/**
 * Property-based fuzzing of the WebService: for every SOAP operation, 1,000 generated
 * requests — hostile parameter values, nested / duplicated / CDATA / attributed elements, huge
 * attributes, wrong namespaces, malformed and truncated XML, DOCTYPE and ENTITY declarations,
 * bytes that are not UTF-8, unknown operations, odd content types and SOAPActions. Every answer
 * is either an envelope in `return` (HTTP 200, a business code, never 500) or a SOAP 1.1 Fault
 * of the caller's making (HTTP 500, soap:Client or soap:VersionMismatch — never soap:Server);
 * a well-formed envelope under the body limit always gets an envelope. No stack, path or SQL
 * ever; afterwards the server answers, memory is bounded and the stored tables are unchanged.
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import type { TestContext } from '../../support/context';
import { Fixtures, PURPOSE } from '../../support/lookups';
import { SOAP11, SOAP_PATH, settledMemory, soapReturn, SQL, STACK, TNS } from '../../support/hostile';
import { FuzzTarget, METHOD_PARAMS, paramValue, startFuzzTarget } from '../../support/fuzz';

const RUNS = 1000;
const OPERATIONS = ['getRKZP', 'getRKHY', 'getFRXX', 'getDZZZ', 'getDZZZHY'];
const CODES = ['200', '400', '401', '403', '404', '429'];
const FAULT = new RegExp(`^<\\?xml version="1.0" encoding="utf-8"\\?><soap:Envelope xmlns:soap="${SOAP11}"><soap:Body><soap:Fault><faultcode>soap:(Client|VersionMismatch)</faultcode><faultstring xml:lang="zh-CN">[^<]+</faultstring></soap:Fault></soap:Body></soap:Envelope>$`);

/** characters XML 1.0 cannot carry at all, even escaped */
const XML_ILLEGAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const xmlText = (s: string) => s.replace(XML_ILLEGAL, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const xmlAttr = (s: string) => xmlText(s).replace(/"/g, '&quot;');

interface SoapRequest {
  /** what was generated: a well-formed envelope must be answered with an envelope */
  kind: 'wellFormed' | 'hostile';
  body: Buffer;
  /** length of the body before any Content-Encoding */
  rawLength: number;
  contentType: string | null;
  soapAction: string | null;
  auth: boolean;
  /** Content-Encoding sent; `compressed` says whether the body really is in that encoding */
  encoding: { name: string; compressed: boolean } | null;
}

const ENCODE: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => zlib.gzipSync(b),
  deflate: (b) => zlib.deflateSync(b),
  br: (b) => zlib.brotliCompressSync(b),
  identity: (b) => b,
};
/** encodings the body parser decodes: a well-formed envelope sent in one must be answered */
const DECODED = ['gzip', 'deflate', 'identity'];

describe('WebService under fuzzing (sqlite)', () => {
  let ctx: TestContext;
  let fx: Fixtures;
  let base: string;
  let token: string;
  let rssBefore: number;
  let target: FuzzTarget;
  let requests = 0;
  /** outcomes seen, so a generator that only ever hits one branch fails the suite */
  const outcomes = new Map<string, number>();
  const saw = (o: string) => outcomes.set(o, (outcomes.get(o) ?? 0) + 1);

  beforeAll(async () => {
    target = await startFuzzTarget();
    ({ ctx, fx, base, token } = target);
  });
  afterAll(() => target.close());

  const known = (name: string): fc.Arbitrary<string> =>
    ({
      xm: fc.constantFrom(fx.alice.xm, fx.ghost.xm, fx.legacy.xm, '另一个人'),
      gmsfzh: fc.constantFrom(fx.alice.gmsfzh, fx.ghost.gmsfzh, fx.legacy.id15),
      tyshxydm: fc.constantFrom(fx.firm.tyshxydm, fx.deletedFirm.tyshxydm),
      jgmc: fc.constantFrom(fx.firm.jgmc, fx.deletedFirm.jgmc),
      zzbh: fc.constantFrom(...Object.values(fx.licences)),
      czztdm: fc.constantFrom(fx.firm.tyshxydm, fx.alice.gmsfzh),
      zzlxdm: fc.constantFrom('0042', '9999'),
    })[name] ?? fc.string({ maxLength: 10 });

  /** One parameter element, in one of the shapes a client (or an attacker) might send. */
  const element = (name: string): fc.Arbitrary<string> => {
    const text = paramValue(known(name), ctx.config.bodyLimitBytes).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? ''));
    const huge = fc.constantFrom(100, 70000, ctx.config.bodyLimitBytes + 10).map((n) => 'a'.repeat(n));
    return fc.oneof(
      { arbitrary: text.map((v) => `<${name}>${xmlText(v)}</${name}>`), weight: 8 },
      { arbitrary: text.map((v) => `<${name}><![CDATA[${v.replace(XML_ILLEGAL, '').split(']]>').join('')}]]></${name}>`), weight: 2 },
      { arbitrary: text.map((v) => `<${name}><a>${xmlText(v)}</a><b/></${name}>`), weight: 1 }, // nested
      { arbitrary: fc.tuple(text, text).map(([a, b]) => `<${name}>${xmlText(a)}</${name}><${name}>${xmlText(b)}</${name}>`), weight: 1 }, // duplicated
      { arbitrary: fc.tuple(text, huge).map(([v, a]) => `<${name} note="${xmlAttr(a)}">${xmlText(v)}</${name}>`), weight: 1 }, // huge attribute
      { arbitrary: fc.constant(`<${name} xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>`), weight: 1 },
      { arbitrary: fc.constant(`<${name}/>`), weight: 1 },
    );
  };

  /** A well-formed SOAP 1.1 envelope for `op` with some (maybe none, maybe extra) parameters. */
  const envelope = (op: string): fc.Arbitrary<string> => {
    const names = [...METHOD_PARAMS[op], 'extra'];
    const params = fc.tuple(...names.map((n) => fc.option(element(n), { freq: n === 'extra' ? 1 : 5 }))).map((els) => els.filter((e): e is string => e !== null).join(''));
    return fc.tuple(params, fc.nat(3)).map(([inner, style]) => {
      switch (style) {
        case 0:
          return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${SOAP11}" xmlns:d="${TNS}"><s:Header/><s:Body><d:${op}>${inner}</d:${op}></s:Body></s:Envelope>`;
        case 1:
          return `<env:Envelope xmlns:env="${SOAP11}"><env:Body><ns1:${op} xmlns:ns1="${TNS}">${inner}</ns1:${op}></env:Body></env:Envelope>`;
        case 2:
          return `<Envelope xmlns="${SOAP11}"><Body><${op} xmlns="${TNS}">${inner}</${op}></Body></Envelope>`;
        default:
          return `<?xml version="1.0"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP11}">\n <SOAP-ENV:Body>\n  <!-- c -->\n  <${op}>${inner}</${op}>\n </SOAP-ENV:Body>\n</SOAP-ENV:Envelope>`;
      }
    });
  };

  const hostile = (op: string): fc.Arbitrary<Buffer> => {
    const utf8 = (a: fc.Arbitrary<string>) => a.map((s) => Buffer.from(s, 'utf8'));
    const valid = envelope(op);
    return fc.oneof(
      // truncated anywhere
      utf8(valid.chain((s) => fc.nat(Math.max(0, s.length - 2)).map((n) => s.slice(0, n)))),
      // wrong envelope namespace: SOAP 1.2, another, none
      utf8(fc.tuple(valid, fc.constantFrom('http://www.w3.org/2003/05/soap-envelope', 'http://example.com/evil', '')).map(([s, ns]) => s.split(SOAP11).join(ns))),
      // the operation in another namespace
      utf8(valid.map((s) => s.split(TNS).join('urn:not-ours'))),
      // mismatched tags, stray markup, garbage
      utf8(valid.map((s) => s.replace(`</${op}>`, `</${op}x>`).replace(/<\/d:/, '</'))),
      utf8(fc.string({ unit: 'binary', maxLength: 200 })),
      utf8(fc.constantFrom('', ' ', '<', '<?xml version="1.0"?>', `<s:Envelope xmlns:s="${SOAP11}">`, '{"xm":"a"}', 'xm=a&gmsfzh=b', `<s:Envelope xmlns:s="${SOAP11}"><s:Body/></s:Envelope>`)),
      // DTDs and entities, in many spellings
      utf8(fc.tuple(valid, fc.constantFrom('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', '<!doctype x>', '<!ENTITY e "x">', '<! DOCTYPE x [<!ENTITY a "b">]>', '<!DOCTYPE x SYSTEM "http://127.0.0.1:1/x.dtd">')).map(([s, dtd]) => s.replace(/^(<\?xml[^>]*\?>)?/, (m) => m + dtd))),
      // unknown or JSON-only operations, and two operations at once
      utf8(fc.tuple(valid, fc.oneof(fc.constantFrom('batchRKHY', 'getSecrets', 'constructor', '__proto__', 'toString', 'getrkzp'), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/))).map(([s, name]) => s.split(op).join(name))),
      utf8(valid.map((s) => s.replace(/(<\/(?:\w+:)?Body>)/, `<getRKHY/>$1`))),
      // bytes that are not UTF-8: latin1, UTF-16, invalid sequences inside a value
      valid.map((s) => Buffer.from(s, 'latin1')),
      valid.map((s) => Buffer.from(s, 'utf16le')),
      fc.tuple(valid, fc.constantFrom(Buffer.from([0xff, 0xfe]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]))).map(([s, bad]) => {
        const at = s.indexOf('</s:Body>') > 0 ? s.indexOf('</s:Body>') : s.length >> 1;
        return Buffer.concat([Buffer.from(s.slice(0, at), 'utf8'), bad, Buffer.from(s.slice(at), 'utf8')]);
      }),
    );
  };

  const requestFor = (op: string): fc.Arbitrary<SoapRequest> =>
    fc.record({
      kind: fc.constantFrom<SoapRequest['kind']>('wellFormed', 'wellFormed', 'hostile', 'hostile', 'hostile'),
      seed: fc.nat(), // one request in ten goes without a token
      contentType: fc.constantFrom('text/xml; charset=utf-8', 'text/xml; charset=utf-8', 'text/xml', 'application/soap+xml', 'text/plain', 'application/json', null),
      soapAction: fc.option(fc.constantFrom(`"${TNS}${op}"`, '""', `"${TNS}getSecrets"`, 'garbage', `"${TNS}batchRKHY"`), { freq: 2 }),
      encoding: fc.option(fc.record({ name: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown'), compressed: fc.boolean() }), { freq: 6 }),
    }).chain((r) =>
      (r.kind === 'wellFormed' ? envelope(op).map((s) => Buffer.from(s, 'utf8')) : hostile(op)).map((raw) => {
        const encode = r.encoding?.compressed ? ENCODE[r.encoding.name] : undefined;
        const encoding = r.encoding && !encode ? { ...r.encoding, compressed: false } : r.encoding;
        return { kind: r.kind, body: encode ? encode(raw) : raw, rawLength: raw.length, contentType: r.contentType, soapAction: r.soapAction, auth: r.seed % 10 !== 0, encoding };
      }),
    );

  async function send(r: SoapRequest): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { 'x-purpose': PURPOSE };
    if (r.contentType) headers['content-type'] = r.contentType;
    if (r.soapAction !== null) headers.soapaction = r.soapAction;
    if (r.auth) headers.authorization = `Bearer ${token}`;
    if (r.encoding) headers['content-encoding'] = r.encoding.name;
    const res = await fetch(`${base}${SOAP_PATH}`, { method: 'POST', headers, body: r.body });
    requests++;
    return { status: res.status, text: await res.text() };
  }

  function expectAnswer(r: SoapRequest, status: number, text: string): void {
    expect(text).not.toMatch(STACK);
    expect(text).not.toMatch(SQL);
    expect(text).not.toMatch(/Error:|root:x:/);
    if (status === 500) {
      expect(text).toMatch(FAULT); // a fault of the caller's making, never soap:Server
      saw('fault');
      // a well-formed envelope, sent plain or in an encoding the server decodes, is only
      // refused when it is over the body limit — or compressed without a token (never decompressed then)
      const plain = r.encoding === null || r.encoding.name === 'identity';
      const readable = plain || (r.auth && r.encoding!.compressed && DECODED.includes(r.encoding!.name));
      if (r.kind === 'wellFormed' && readable) expect(r.rawLength).toBeGreaterThan(ctx.config.bodyLimitBytes);
      return;
    }
    expect(status).toBe(200);
    const env = soapReturn(text);
    expect(env).not.toBeNull();
    expect(Object.keys(env!).sort()).toEqual(['data', 'msg', 'result_code']);
    expect(CODES).toContain(env!.result_code);
    expect(Array.isArray(env!.data)).toBe(true);
    saw(env!.result_code);
    if (env!.result_code !== '200') expect(env!.data).toEqual([]);
  }

  /**
   * The memory baseline is taken after a warm-up of 200 generated requests per method, so it
   * includes what is built once (JIT code, connection pools, parsers, V8's grown heap) and the
   * bound is on what the fuzz runs add.
   */
  it('warms up and takes the memory baseline', async () => {
    for (const op of OPERATIONS) {
      for (const r of fc.sample(requestFor(op), { numRuns: 200, seed: 6 })) {
        const { status, text } = await send(r);
        expectAnswer(r, status, text);
      }
    }
    rssBefore = settledMemory().rss;
  }, 120000);

  it.each(OPERATIONS)(`%s: ${RUNS} generated requests answer an envelope or a client fault`, async (op) => {
    await fc.assert(
      fc.asyncProperty(requestFor(op), async (r) => {
        const { status, text } = await send(r);
        expectAnswer(r, status, text);
      }),
      { numRuns: RUNS },
    );
  }, 180000);

  it('the server is still up, memory is bounded and nothing stored changed', async () => {
    expect(requests).toBeGreaterThanOrEqual(RUNS * OPERATIONS.length);
    for (const o of ['fault', '200', '400', '401']) expect(outcomes.get(o) ?? 0).toBeGreaterThan(20);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const r = await fetch(`${base}${SOAP_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', authorization: `Bearer ${token}`, 'x-purpose': PURPOSE },
      body: `<s:Envelope xmlns:s="${SOAP11}"><s:Body><d:getRKHY xmlns:d="${TNS}"><xm>${fx.alice.xm}</xm><gmsfzh>${fx.alice.gmsfzh}</gmsfzh></d:getRKHY></s:Body></s:Envelope>`,
    });
    expect(soapReturn(await r.text())?.data).toEqual([{ HYJG: '一致', HYJGDM: '1' }]);
    const grown = settledMemory().rss - rssBefore;
    expect(grown).toBeLessThan(200 * 1024 * 1024); // what is retained, after a collection
    await target.expectStoredDataUnchanged();
  });
});
