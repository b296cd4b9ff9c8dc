/**
 * Property-based fuzzing of the JSON interface: for every method, 1,000 generated requests —
 * nearly-valid and broken ID numbers and credit codes, huge and unicode-heavy strings, SQL
 * metacharacters, wrong types, missing and extra parameters, malformed bodies and wrong
 * content types. Every answer must be the 附件3 envelope with HTTP status = result_code, never
 * an internal 500, never a stack, a path or SQL; afterwards the server still answers, memory
 * has not run away, and the stored tables are exactly as before. SQLite only: it is the HTTP
 * edge that is fuzzed, not the storage.
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import type { TestContext } from '../../support/context';
import { Fixtures, PURPOSE } from '../../support/lookups';
import { settledMemory, SQL, STACK } from '../../support/hostile';
import { FuzzTarget, METHOD_PARAMS, paramsObject, paramValue, startFuzzTarget, unicodeHeavy, wrongType } from '../../support/fuzz';

const RUNS = 1000;
const CODES = ['200', '400', '401', '403', '404', '429'];
/** the fields each method may answer with */
const FIELDS: Record<string, string[]> = {
  getRKZP: ['RYBH', 'GMSFZH', 'XM', 'CSRQ', 'MZ', 'XB', 'JG', 'CSD', 'HJD'],
  getRKHY: ['HYJG', 'HYJGDM'],
  batchRKHY: ['XH', 'result_code', 'msg', 'HYJG', 'HYJGDM'], // per item: its number and its own outcome
  getFRXX: ['TYSHXYDM', 'JGMC', 'JGLX', 'FDDBR', 'ZCZB', 'CLRQ', 'DJJG', 'ZS', 'JYFW', 'DJZT'],
  getDZZZ: ['ZZBH', 'ZZMC', 'ZZLXDM', 'CZZT', 'CZZTDM', 'CZZTDMLX', 'ZZBFJG', 'ZZBFRQ', 'ZZYXQQSRQ', 'ZZYXQJZRQ', 'ZZZT', 'SXMC'],
  getDZZZHY: ['HYJG', 'HYJGDM'],
};

interface FuzzRequest {
  verb: 'POST' | 'GET';
  contentType: string | null;
  body: string | null;
  query: string;
  auth: 'good' | 'none' | 'garbage';
  purpose: string | null;
  /** Content-Encoding sent; the body is really compressed only when `compressed` */
  encoding: { name: string; compressed: boolean } | null;
}

const ENCODE: Record<string, (b: Buffer) => Buffer> = { gzip: (b) => zlib.gzipSync(b), deflate: (b) => zlib.deflateSync(b), br: (b) => zlib.brotliCompressSync(b) };

describe('JSON interface under fuzzing (sqlite)', () => {
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

  /** Plausible values for each parameter, from the fixtures, mixed with hostile ones. */
  const valueFor = (name: string): fc.Arbitrary<unknown> => {
    const limit = ctx.config.bodyLimitBytes;
    const known: Record<string, fc.Arbitrary<string>> = {
      xm: fc.constantFrom(fx.alice.xm, fx.ghost.xm, fx.legacy.xm, '另一个人'),
      gmsfzh: fc.constantFrom(fx.alice.gmsfzh, fx.ghost.gmsfzh, fx.legacy.id15, fx.legacy.gmsfzh),
      tyshxydm: fc.constantFrom(fx.firm.tyshxydm, fx.deletedFirm.tyshxydm),
      jgmc: fc.constantFrom(fx.firm.jgmc, fx.deletedFirm.jgmc),
      zzbh: fc.constantFrom(...Object.values(fx.licences)),
      czztdm: fc.constantFrom(fx.firm.tyshxydm, fx.alice.gmsfzh),
      zzlxdm: fc.constantFrom('0042', '9999'),
    };
    if (name === 'items') {
      const item = paramsObject(['xm', 'gmsfzh'], (n) => paramValue(known[n], 2000));
      return fc.oneof({ arbitrary: fc.array(item, { maxLength: 120 }), weight: 5 }, { arbitrary: fc.array(fc.oneof(item, wrongType), { maxLength: 5 }), weight: 1 }, { arbitrary: wrongType, weight: 1 });
    }
    return paramValue(known[name], limit);
  };

  const requestFor = (method: string): fc.Arbitrary<FuzzRequest> => {
    const params = paramsObject(METHOD_PARAMS[method], valueFor);
    const json = params.map((p) => JSON.stringify(p));
    const malformed = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 60 }),
      json.chain((s) => fc.nat(Math.max(0, s.length - 1)).map((n) => s.slice(0, n))), // truncated
      json.map((s) => s.replace(/"/g, "'")), // single quotes
      json.map((s) => s + ',}'),
      fc.constantFrom('{', '[', '{"xm":', '{"xm":"\\ud800","gmsfzh":"\\u0000"}', '{"__proto__":{"admin":true},"xm":"a"}', '{"a":' + '['.repeat(5000), '\u0000', '{"xm":1e999}', ''),
    );
    const auth = fc.constantFrom<FuzzRequest['auth']>('good', 'good', 'good', 'good', 'good', 'good', 'good', 'good', 'none', 'garbage');
    const purpose = fc.oneof({ arbitrary: fc.constant(PURPOSE), weight: 8 }, { arbitrary: fc.constant(null), weight: 1 }, { arbitrary: unicodeHeavy.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?'))), weight: 1 }, { arbitrary: fc.constantFrom('%E5%8A', '%%', '%00'), weight: 1 });
    const encoding = fc.option(fc.record({ name: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown'), compressed: fc.boolean() }), { freq: 8 });
    const post = (contentType: fc.Arbitrary<string | null>, body: fc.Arbitrary<string>) =>
      fc.record({ verb: fc.constant<'POST'>('POST'), contentType, body, query: fc.constant(''), auth, purpose, encoding });
    const wrongTypes = fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/xml', null);
    const getQuery = paramsObject(METHOD_PARAMS[method], (n) =>
      // short values only: a query string over Node's header limit is refused before the app (431)
      valueFor(n).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '').slice(0, 200)),
    ).map((p) =>
      new URLSearchParams(Object.entries(p).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v) ?? ''])).toString() + (p.xm === undefined ? '' : '&gmsfzh[]=1&xm[a]=b'),
    );
    return fc.oneof(
      { arbitrary: post(fc.constant('application/json'), json), weight: 10 },
      { arbitrary: post(fc.constant('application/json'), fc.oneof(wrongType, fc.string()).map((v) => JSON.stringify(v) ?? 'null')), weight: 1 },
      { arbitrary: post(fc.constant('application/json'), malformed), weight: 2 },
      { arbitrary: post(wrongTypes, fc.oneof(json, fc.constant('xm=a&gmsfzh=b'))), weight: 2 },
      { arbitrary: fc.record({ verb: fc.constant<'GET'>('GET'), contentType: fc.constant(null), body: fc.constant(null), query: getQuery, auth, purpose, encoding: fc.constant(null) }), weight: 1 },
    );
  };

  async function send(method: string, r: FuzzRequest): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = {};
    if (r.contentType) headers['content-type'] = r.contentType;
    if (r.auth === 'good') headers.authorization = `Bearer ${token}`;
    if (r.auth === 'garbage') headers.authorization = 'Bearer eyJhbGciOiJub25lIn0.e30.';
    if (r.purpose !== null) headers['x-purpose'] = r.purpose;
    let body: string | Buffer | undefined = r.body ?? undefined;
    if (r.encoding && body !== undefined) {
      headers['content-encoding'] = r.encoding.name;
      const encode = ENCODE[r.encoding.name];
      if (r.encoding.compressed && encode) body = encode(Buffer.from(body, 'utf8'));
    }
    const url = `${base}/dprs/api/${method}${r.verb === 'GET' && r.query ? `?${r.query}` : ''}`;
    const res = await fetch(url, { method: r.verb, headers, body });
    requests++;
    return { status: res.status, text: await res.text() };
  }

  function expectEnvelope(method: string, status: number, text: string): void {
    expect(text).not.toMatch(STACK);
    expect(text).not.toMatch(SQL);
    const body = JSON.parse(text) as { msg: unknown; result_code: unknown; data: unknown };
    expect(Object.keys(body).sort()).toEqual(['data', 'msg', 'result_code']);
    expect(typeof body.msg).toBe('string');
    expect(CODES).toContain(body.result_code); // never 500: bad input is never an internal error
    expect(status).toBe(Number(body.result_code));
    expect(Array.isArray(body.data)).toBe(true);
    const data = body.data as Record<string, unknown>[];
    saw(body.result_code as string);
    if (body.result_code !== '200') expect(data).toEqual([]);
    for (const row of data) for (const k of Object.keys(row)) expect(FIELDS[method]).toContain(k);
    // a batch item's own outcome is a code too, and never an internal error
    if (method === 'batchRKHY') for (const row of data) expect(CODES).toContain(row.result_code);
  }

  /**
   * The memory baseline is taken after a warm-up of 200 generated requests per method, so it
   * includes what is built once (JIT code, connection pools, parsers, V8's grown heap) and the
   * bound is on what the fuzz runs add.
   */
  it('warms up and takes the memory baseline', async () => {
    for (const method of Object.keys(METHOD_PARAMS)) {
      for (const r of fc.sample(requestFor(method), { numRuns: 200, seed: 6 })) {
        const { status, text } = await send(method, r);
        expectEnvelope(method, status, text);
      }
    }
    rssBefore = settledMemory().rss;
  }, 120000);

  it.each(Object.keys(METHOD_PARAMS))(`%s: ${RUNS} generated requests answer well-formed envelopes`, async (method) => {
    await fc.assert(
      fc.asyncProperty(requestFor(method), async (r) => {
        const { status, text } = await send(method, r);
        expectEnvelope(method, status, text);
      }),
      { numRuns: RUNS },
    );
  }, 180000);

  it('the server is still up, memory is bounded and nothing stored changed', async () => {
    expect(requests).toBeGreaterThanOrEqual(RUNS * Object.keys(METHOD_PARAMS).length);
    for (const code of ['200', '400', '401', '404']) expect(outcomes.get(code) ?? 0).toBeGreaterThan(20);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    // and it still answers a real lookup
    const ok = await fetch(`${base}/dprs/api/getRKHY`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': PURPOSE },
      body: JSON.stringify({ xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }),
    });
    expect(((await ok.json()) as { data: unknown[] }).data).toEqual([{ HYJG: '一致', HYJGDM: '1' }]);
    const grown = settledMemory().rss - rssBefore;
    expect(grown).toBeLessThan(200 * 1024 * 1024); // what is retained, after a collection
    await target.expectStoredDataUnchanged();
  });
});
