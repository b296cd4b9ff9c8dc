/**
 * The smaller items: a token living longer than the configured lifetime is refused (a leaked
 * key cannot mint year-long tokens), a `crit` header is refused, and SOAP answers — envelopes
 * and faults alike — are never cached.
 */
import zlib from 'node:zlib';
import jwt from 'jsonwebtoken';
import { loadConfig } from '../../../core/config';
import { TokenError, verifyToken } from '../../../core/jwt';
import { startServer, RunningServer } from '../../../scripts/app/server';
import { testContext, TestContext } from '../../support/context';
import { insertFixtures, postJson, PURPOSE, tokenFor, Fixtures } from '../../support/lookups';
import { postSoap, soapEnvelope, soapReturn } from '../../support/hostile';
import { tempDir } from '../../support/databases';

const KEY = 'k'.repeat(40);
const config = loadConfig({ DATA_DIR: tempDir(), JWT_KEYS: `k1:${KEY}`, JWT_TTL_SECONDS: '600', AUDIT_KEY: 'a'.repeat(40), LOG_LEVEL: 'silent' });
const now = () => Math.floor(Date.now() / 1000);
const sign = (payload: Record<string, unknown>, header: Record<string, unknown> = {}) =>
  jwt.sign({ sub: 'x', iss: 'dprs', ...payload }, KEY, { algorithm: 'HS256', header: { alg: 'HS256', kid: 'k1', ...header } as jwt.JwtHeader });

describe('token lifetime and headers', () => {
  it('accepts exp up to the configured lifetime (with a minute of clock skew), refuses beyond', () => {
    expect(verifyToken(config, sign({ exp: now() + 600 })).sub).toBe('x');
    expect(verifyToken(config, sign({ exp: now() + 650 })).sub).toBe('x');
    expect(() => verifyToken(config, sign({ exp: now() + 700 }))).toThrow('令牌有效期超过允许的时长');
    expect(() => verifyToken(config, sign({ exp: now() + 10 * 365 * 86400 }))).toThrow(TokenError);
  });

  it('refuses a crit header, whatever it names', () => {
    for (const crit of [['exp'], ['b64'], []]) expect(() => verifyToken(config, sign({ exp: now() + 60 }, { crit }))).toThrow('令牌含不支持的 crit 头');
  });
});

describe('over HTTP (sqlite)', () => {
  let ctx: TestContext;
  let server: RunningServer;
  let base: string;
  let fx: Fixtures;
  beforeAll(async () => {
    ctx = await testContext('sqlite');
    fx = await insertFixtures(ctx.db);
    server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    await ctx.dispose();
  });

  it('a lookup with a year-long token is 401', async () => {
    const secret = ctx.config.jwt.keys[0];
    const longLived = jwt.sign({ sub: 'test-window', methods: ['getRKZP'], exp: now() + 365 * 86400 }, secret.secret, { algorithm: 'HS256', keyid: secret.kid, issuer: 'dprs' });
    const r = await postJson(base, 'getRKZP', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }, { authorization: `Bearer ${longLived}`, 'x-purpose': PURPOSE });
    expect(r.body).toEqual({ msg: '未认证：令牌有效期超过允许的时长', result_code: '401', data: [] });
  });

  it('JSON: without a valid token the body is not read — malformed or compressed, the answer is 401', async () => {
    const cases: Array<[string | Buffer, Record<string, string>]> = [
      ['{"xm": ', {}],
      [zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20)), { 'content-encoding': 'gzip' }],
    ];
    for (const [body, headers] of cases) {
      const r = await fetch(`${base}/dprs/api/getRKZP`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x.y.z', 'x-purpose': PURPOSE, ...headers }, body });
      expect(r.status).toBe(401);
      expect(((await r.json()) as { result_code: string }).result_code).toBe('401');
    }
  });

  it('SOAP answers and faults carry Cache-Control: no-store', async () => {
    const auth = { authorization: `Bearer ${tokenFor(ctx.config)}`, 'x-purpose': PURPOSE };
    for (const [body, headers] of [
      [soapEnvelope('getRKZP', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }), auth],
      [soapEnvelope('getRKZP', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }), {}],
      ['<not-soap/>', auth],
    ] as const) {
      const r = await fetch(`${base}/dprs/webService/DataService`, { method: 'POST', headers: { 'content-type': 'text/xml', ...headers }, body });
      expect(r.headers.get('cache-control')).toBe('no-store');
      await r.text();
    }
    expect(soapReturn((await postSoap(base, soapEnvelope('getRKZP', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }), auth)).text)?.result_code).toBe('200');
  });
});
