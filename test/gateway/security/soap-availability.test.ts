/**
 * The WebService stays available under hostile bodies: the pre-check is linear in the body
 * (runs of comments, processing instructions, whitespace and truncated tags once made its
 * regular expressions backtrack for minutes), and a request without a valid token is answered
 * after one scan — never decompressed, never parsed — while /readyz keeps answering.
 */
import fc from 'fast-check';
import zlib from 'node:zlib';
import { startServer, RunningServer } from '../../../scripts/app/server';
import { scanSoapRequest } from '../../../gateway/soap/scan';
import { testContext, TestContext } from '../../support/context';
import { insertFixtures, PURPOSE } from '../../support/lookups';
import { SOAP11, SOAP_PATH, soapEnvelope, soapReturn, TNS } from '../../support/hostile';

/** generous for a shared 2-core machine; the old regular expressions took seconds to minutes */
const BOUND_MS = 1500;

const comment = fc.string({ maxLength: 6 }).map((t) => `<!--${t.replace(/--/g, '')}-->`);
const pi = fc.string({ maxLength: 6 }).map((t) => `<?${t.replace(/\?>/g, '')}?>`);
const space = fc.constantFrom(' ', '\n', '\t', '\r\n', '');
const truncated = fc.constantFrom('<', '<!--', '<?', '<!-', '<?x', '<s:', '<s:Body', '<a ', '<a b="', '-->', '?>', '<![CDATA[', '<Body');
const piece = fc.oneof({ arbitrary: comment, weight: 3 }, { arbitrary: pi, weight: 3 }, space, truncated);
/** where the generated run sits: the prolog, just inside Body, or a whole document of it */
const placed = fc.tuple(fc.array(piece, { minLength: 1, maxLength: 400 }), fc.constantFrom('prolog', 'body', 'bare'), fc.constantFrom('', '<x', '<s:Envelope', `<d:getRKZP>`)).map(([parts, where, tail]) => {
  const run = parts.join('');
  if (where === 'prolog') return `${run}<s:Envelope xmlns:s="${SOAP11}" xmlns:d="${TNS}"><s:Body><d:getRKHY/></s:Body></s:Envelope>${tail}`;
  if (where === 'body') return `<s:Envelope xmlns:s="${SOAP11}" xmlns:d="${TNS}"><s:Body>${run}${tail}`;
  return run + tail;
});

/** The shapes that made the old ROOT and OPERATION expressions exponential. */
const crafted = (n: number) => [
  '<?a?>'.repeat(n) + '<x',
  `<s:Envelope xmlns:s="${SOAP11}"><s:Body>` + '<!--a-->'.repeat(n) + '<',
  '<!--a-->'.repeat(n) + '<!--',
];

describe('the SOAP pre-check is linear', () => {
  it('answers the crafted bodies at once, and scales linearly', () => {
    for (const body of crafted(40)) {
      const t = performance.now();
      scanSoapRequest(body);
      expect(performance.now() - t).toBeLessThan(50);
    }
    // 1,000× the input: linear work stays far below a second
    const t = performance.now();
    for (const body of crafted(40000)) scanSoapRequest(body);
    expect(performance.now() - t).toBeLessThan(BOUND_MS);
  });

  it('finds the operation or refuses, for generated comment / PI / whitespace / truncated runs', () => {
    fc.assert(
      fc.property(placed, (xml) => {
        const t = performance.now();
        const r = scanSoapRequest(xml);
        expect(performance.now() - t).toBeLessThan(50);
        if ('operation' in r) expect(r.operation).toMatch(/^[A-Za-z_][\w.-]*$/);
        else expect(r.reason).toMatch(/[\u4e00-\u9fff]/);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads operations exactly as before: prefixes, comments before the operation, attributes with ">"', () => {
    const op = (xml: string) => {
      const r = scanSoapRequest(xml);
      return 'operation' in r ? r.operation : r.reason;
    };
    expect(op(soapEnvelope('getRKZP', { xm: 'a' }))).toBe('getRKZP');
    expect(op(`\uFEFF<?xml version="1.0"?><!-- c --><Envelope xmlns="${SOAP11}"><Body a="x>y"><!-- c --><getFRXX/></Body></Envelope>`)).toBe('getFRXX');
    expect(op(`<e:Envelope xmlns:e="${SOAP11}"><e:Header><e:Body/></e:Header>`)).toBe('未知的操作');
    expect(op(`<e:Envelope xmlns:e="${SOAP11}"><e:Body>text<x/></e:Body></e:Envelope>`)).toBe('未知的操作');
    expect(op(`<Envelope xmlns="http://www.w3.org/2003/05/soap-envelope"><Body><getRKZP/></Body></Envelope>`)).toBe('仅支持 SOAP 1.1');
    expect(op(`<!DOCTYPE x><Envelope xmlns="${SOAP11}"><Body><getRKZP/></Body></Envelope>`)).toBe('不接受含 DTD 或实体声明的请求');
    expect(op(`<! entity x><Envelope xmlns="${SOAP11}">`)).toBe('不接受含 DTD 或实体声明的请求');
    expect(op(`<Envelopes xmlns="${SOAP11}"><Body><getRKZP/></Body></Envelopes>`)).toBe('请求不是 SOAP 信封');
  });
});

describe('the WebService under hostile bodies (sqlite)', () => {
  let ctx: TestContext;
  let server: RunningServer;
  let base: string;

  beforeAll(async () => {
    ctx = await testContext('sqlite');
    await insertFixtures(ctx.db);
    server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    await ctx.dispose();
  });

  const post = async (body: Buffer | string, headers: Record<string, string> = {}) => {
    const started = performance.now();
    const r = await fetch(`${base}${SOAP_PATH}`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', 'x-purpose': PURPOSE, ...headers }, body });
    const text = await r.text();
    return { status: r.status, text, ms: performance.now() - started, cacheControl: r.headers.get('cache-control') };
  };
  const readyz = async () => {
    const started = performance.now();
    const r = await fetch(`${base}/readyz`);
    expect(r.status).toBe(200);
    return performance.now() - started;
  };

  it('answers the crafted bodies within the bound, /readyz answering meanwhile', async () => {
    for (const body of crafted(40)) {
      const [answer, ready] = await Promise.all([post(body), readyz()]);
      expect(answer.status).toBe(500); // a soap:Client fault: not an envelope, no operation
      expect(answer.ms).toBeLessThan(BOUND_MS);
      expect(ready).toBeLessThan(BOUND_MS);
    }
  }, 20000);

  it('answers every generated body within the bound while /readyz keeps answering', async () => {
    await fc.assert(
      fc.asyncProperty(placed, async (xml) => {
        const [answer, ready] = await Promise.all([post(xml), readyz()]);
        expect([200, 500]).toContain(answer.status);
        expect(answer.ms).toBeLessThan(BOUND_MS);
        expect(ready).toBeLessThan(BOUND_MS);
      }),
      { numRuns: 300 },
    );
  }, 120000);

  it('without a token: 1 MB bodies of empty elements get the 401 envelope at once; /readyz stays fast', async () => {
    const inner = '<a/>'.repeat(Math.floor((ctx.config.bodyLimitBytes - 400) / 4));
    const body = `<s:Envelope xmlns:s="${SOAP11}" xmlns:d="${TNS}"><s:Body><d:getRKZP>${inner}</d:getRKZP></s:Body></s:Envelope>`;
    expect(body.length).toBeGreaterThan(1000000);
    const readyTimes: number[] = [];
    let sending = true;
    const probe = (async () => {
      while (sending) readyTimes.push(await readyz());
    })();
    // the same elements before Body, then comments: the operation is beyond what is scanned without a token
    const header = `<s:Envelope xmlns:s="${SOAP11}" xmlns:d="${TNS}"><s:Header>${inner.slice(0, inner.length / 2)}${'<!--x-->'.repeat(inner.length / 16)}</s:Header><s:Body><d:getRKZP/></s:Body></s:Envelope>`;
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => post(i % 2 ? header : body)));
    sending = false;
    await probe;
    answers.forEach((a, i) => {
      expect(a.cacheControl).toBe('no-store');
      if (i % 2) return expect(a.status).toBe(500); // a soap:Client fault: nothing was parsed
      expect(a.status).toBe(200);
      expect(soapReturn(a.text)).toEqual({ msg: '未认证：缺少 Authorization: Bearer 令牌', result_code: '401', data: [] });
    });
    // parsed, these bodies held the loop for seconds (/readyz ~7 s); the client's own sending shares this loop
    expect(Math.max(...readyTimes)).toBeLessThan(1000);
  }, 60000);

  it('without a token a compressed body is not decompressed: a client fault', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20)); // 50 MB of spaces in ~50 kB
    const r = await post(bomb, { 'content-encoding': 'gzip' });
    expect(r.status).toBe(500);
    expect(r.text).toContain('<faultcode>soap:Client</faultcode>');
    expect(r.text).toContain('未认证');
    expect(r.cacheControl).toBe('no-store');
  });
});
