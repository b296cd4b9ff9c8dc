/**
 * Who may call, why, and what is written down: the token endpoint, 401 / 403 for every kind
 * of bad token, the X-Purpose header, grants' items and masks, and exactly one audit row per
 * answered lookup — written before the answer, or no answer.
 */
import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';
import * as accessCache from '../../../catalog/access-cache';
import { setConsumerDisabled } from '../../../catalog/consumers';
import { queryKeyHash as hashQueryKey } from '../../../gateway/auditing/chain';
import { auditChainKey } from '../../../gateway/auditing/chain';
import { verifyChain } from '../../../gateway/auditing/store';
import { STORAGE_TARGETS } from '../../support/databases';
import type { TestContext } from '../../support/context';
import { testGateway, TestGateway } from '../../support/gateway';
import { auditCount, CONSUMER, Fixtures, postJson, PURPOSE, tokenFor } from '../../support/lookups';

const NO_STACK = /\n\s+at |\.ts:\d|\.js:\d|node_modules|\/work\//;

describe.each(STORAGE_TARGETS)('authentication, purpose and audit on %s', (target) => {
  let ctx: TestContext;
  let gw: TestGateway;
  let fx: Fixtures;
  let base: string;
  let good: Record<string, string>;

  beforeAll(async () => {
    gw = await testGateway(target);
    ({ ctx, fx, base } = gw);
    good = gw.headers;
  });
  afterAll(() => gw.close());

  const alice = () => ({ xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh });
  const key = () => ctx.config.jwt.keys[0];

  describe('POST /dprs/api/token', () => {
    it('issues a bearer token for JSON and form client credentials', async () => {
      const json = await fetch(`${base}/dprs/api/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: CONSUMER, client_secret: 'test-consumer-secret-0123456789' }),
      });
      expect(json.status).toBe(200);
      const t = (await json.json()) as { access_token: string; token_type: string; expires_in: number };
      expect(t.token_type).toBe('Bearer');
      expect(t.expires_in).toBe(ctx.config.jwt.ttlSeconds);
      const decoded = jwt.decode(t.access_token, { complete: true })!;
      expect(decoded.header).toMatchObject({ alg: 'HS256', kid: key().kid });
      expect(decoded.payload).toMatchObject({ sub: CONSUMER, iss: ctx.config.jwt.issuer, methods: expect.arrayContaining(['getRKZP', 'batchRKHY']) });
      const form = await fetch(`${base}/dprs/api/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CONSUMER, client_secret: 'test-consumer-secret-0123456789' }).toString(),
      });
      expect(form.status).toBe(200);
      const tok = ((await form.json()) as { access_token: string }).access_token;
      expect((await postJson(base, 'getRKZP', alice(), { authorization: `Bearer ${tok}`, 'x-purpose': PURPOSE })).status).toBe(200);
    });

    it('refuses a wrong secret or an unknown client with 401, and a wrong grant type with 400', async () => {
      for (const [id, secret] of [[CONSUMER, 'wrong'], ['nobody', 'whatever']]) {
        const r = await fetch(`${base}/dprs/api/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ grant_type: 'client_credentials', client_id: id, client_secret: secret }),
        });
        expect(r.status).toBe(401);
        expect(await r.json()).toEqual({ msg: '未认证：客户端凭据错误', result_code: '401', data: [] });
      }
      const r = await fetch(`${base}/dprs/api/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'password' }) });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { msg: string }).msg).toBe('参数错误：grant_type 须为 client_credentials');
    });
  });

  describe('bad tokens → 401 未认证 (never 500, never a stack), not audited', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const cases: [string, () => string | null, string][] = [
      ['no Authorization header', () => null, '未认证：缺少 Authorization: Bearer 令牌'],
      ['not a bearer token', () => 'Basic dXNlcjpwYXNz', '未认证：缺少 Authorization: Bearer 令牌'],
      ['garbage', () => 'Bearer not.a.jwt', '未认证：令牌格式错误'],
      ['expired', () => 'Bearer ' + jwt.sign({ methods: ['getRKZP'], exp: now() - 10 }, key().secret, { algorithm: 'HS256', keyid: key().kid, issuer: ctx.config.jwt.issuer, subject: CONSUMER }), '未认证：令牌已过期'],
      ['signed with another key', () => 'Bearer ' + jwt.sign({ methods: ['getRKZP'], exp: now() + 60 }, 'another-secret-another-secret-0123456789', { algorithm: 'HS256', keyid: key().kid, issuer: ctx.config.jwt.issuer, subject: CONSUMER }), '未认证：令牌无效'],
      ['unknown kid', () => 'Bearer ' + jwt.sign({ methods: ['getRKZP'], exp: now() + 60 }, key().secret, { algorithm: 'HS256', keyid: 'k-unknown', issuer: ctx.config.jwt.issuer, subject: CONSUMER }), '未认证：令牌密钥未知'],
      ['alg none', () => {
        const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        return `Bearer ${b64({ alg: 'none', typ: 'JWT', kid: key().kid })}.${b64({ sub: CONSUMER, methods: ['getRKZP'], iss: ctx.config.jwt.issuer, exp: now() + 60 })}.`;
      }, '未认证：令牌算法不被接受'],
      ['HS512 with the right key', () => 'Bearer ' + jwt.sign({ methods: ['getRKZP'], exp: now() + 60 }, key().secret, { algorithm: 'HS512', keyid: key().kid, issuer: ctx.config.jwt.issuer, subject: CONSUMER }), '未认证：令牌算法不被接受'],
      ['no exp', () => 'Bearer ' + jwt.sign({ methods: ['getRKZP'] }, key().secret, { algorithm: 'HS256', keyid: key().kid, issuer: ctx.config.jwt.issuer, subject: CONSUMER, noTimestamp: true }), '未认证：令牌缺少有效期'],
      ['another issuer', () => 'Bearer ' + jwt.sign({ methods: ['getRKZP'], exp: now() + 60 }, key().secret, { algorithm: 'HS256', keyid: key().kid, issuer: 'someone-else', subject: CONSUMER }), '未认证：令牌无效'],
    ];
    it.each(cases)('%s', async (_label, auth, msg) => {
      const before = await auditCount(ctx.db);
      const h: Record<string, string> = { 'x-purpose': PURPOSE };
      const a = auth();
      if (a) h.authorization = a;
      const r = await postJson(base, 'getRKZP', alice(), h);
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ msg, result_code: '401', data: [] });
      expect(r.text).not.toMatch(NO_STACK);
      expect(await auditCount(ctx.db)).toBe(before);
    });
  });

  describe('403 无权限', () => {
    it('a token without the method', async () => {
      const h = { authorization: `Bearer ${tokenFor(ctx.config, CONSUMER, ['getRKHY'])}`, 'x-purpose': PURPOSE };
      const r = await postJson(base, 'getRKZP', alice(), h);
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ msg: '无权限：令牌未授权调用 getRKZP', result_code: '403', data: [] });
    });

    it('the access decision denies (a disabled consumer, on the next call)', async () => {
      await setConsumerDisabled(ctx.db, CONSUMER, true);
      try {
        const r = await postJson(base, 'getRKZP', alice(), good);
        expect(r.status).toBe(403);
        expect(r.body.msg).toBe('无权限：调用方不存在或已停用');
        expect(r.body.data).toEqual([]);
      } finally {
        await setConsumerDisabled(ctx.db, CONSUMER, false);
      }
    });

    it('a token for an unknown consumer', async () => {
      const h = { authorization: `Bearer ${tokenFor(ctx.config, 'ghost-window')}`, 'x-purpose': PURPOSE };
      expect((await postJson(base, 'getRKZP', alice(), h)).status).toBe(403);
    });
  });

  describe('grants: items and masks from the access decision', () => {
    afterEach(() => jest.restoreAllMocks());
    it('returns only the granted items, masking the masked ones', async () => {
      jest.spyOn(accessCache, 'accessForLookup').mockResolvedValue({ ok: true, access: { method: 'getRKZP', items: ['GMSFZH', 'XM', 'CSRQ'], masked: ['GMSFZH', 'XM'] } });
      const r = await postJson(base, 'getRKZP', alice(), good);
      expect(r.status).toBe(200);
      expect(Object.keys(r.body.data[0])).toEqual(['GMSFZH', 'XM', 'CSRQ']);
      expect(r.body.data[0].GMSFZH).toBe(fx.alice.gmsfzh.slice(0, 6) + '********' + fx.alice.gmsfzh.slice(14));
      expect(r.body.data[0].XM).toBe([...fx.alice.xm][0] + '*'.repeat([...fx.alice.xm].length - 1));
      expect(r.text).not.toContain(fx.alice.gmsfzh);
    });
  });

  describe('X-Purpose', () => {
    it.each([
      ['missing', undefined, '参数错误：X-Purpose 缺少事由（百分号编码的UTF-8文本）'],
      ['empty', '', '参数错误：X-Purpose 缺少事由（百分号编码的UTF-8文本）'],
      ['undecodable', '%E5%8A', '参数错误：X-Purpose 无法解码（须为百分号编码的UTF-8文本）'],
      ['too long', encodeURIComponent('办'.repeat(201)), '参数错误：X-Purpose 不能超过200个字符'],
    ])('%s → 400 naming X-Purpose', async (_label, purpose, msg) => {
      const h: Record<string, string> = { authorization: good.authorization };
      if (purpose !== undefined) h['x-purpose'] = purpose;
      const r = await postJson(base, 'getRKZP', alice(), h);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ msg, result_code: '400', data: [] });
    });
  });

  describe('audit', () => {
    it('writes exactly one row per answered lookup, 200 / 400 / 403 / 404 alike, with the keyed hash', async () => {
      const cases: [string, unknown, Record<string, string>, string, number][] = [
        ['getRKZP', alice(), good, '200', 1],
        ['getRKZP', { xm: '', gmsfzh: fx.alice.gmsfzh }, good, '400', 0],
        ['getRKZP', { xm: '另一个人', gmsfzh: fx.alice.gmsfzh }, good, '404', 0],
        ['getRKZP', alice(), { authorization: `Bearer ${tokenFor(ctx.config, CONSUMER, [])}`, 'x-purpose': PURPOSE }, '403', 0],
        ['batchRKHY', { items: [alice(), alice(), { xm: 'x', gmsfzh: '1' }] }, good, '200', 3],
      ];
      for (const [method, params, headers, code, rows] of cases) {
        const before = await auditCount(ctx.db);
        const requestId = `audit-${crypto.randomBytes(4).toString('hex')}`;
        const r = await postJson(base, method, params, { ...headers, 'x-request-id': requestId });
        expect(r.body.result_code).toBe(code);
        expect(await auditCount(ctx.db)).toBe(before + 1);
        const row = await ctx.db('audit_log').where({ request_id: requestId }).first();
        expect(row).toMatchObject({ consumer_id: CONSUMER, method, interface: 'json', purpose: '办理个体工商户营业执照', result_code: code, rows });
        expect(Number(row.at)).toBeGreaterThan(Date.now() - 60000);
        expect(row.prev_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
        if (method === 'getRKZP' && code !== '400') expect(row.query_key_hash).toBe(hashQueryKey(ctx.config.auditKey, fx.alice.gmsfzh));
        if (code === '400') expect(row.query_key_hash).toBeNull();
      }
      expect(await verifyChain(ctx.db, auditChainKey(ctx.config.auditKey))).toMatchObject({ ok: true });
    });

    it('when the audit row cannot be written the caller gets 500 and no data', async () => {
      await ctx.db.schema.renameTable('audit_log', 'audit_log_parked');
      try {
        const r = await postJson(base, 'getRKZP', alice(), good);
        expect(r.status).toBe(500);
        expect(r.body).toEqual({ msg: '系统错误', result_code: '500', data: [] });
        expect(r.text).not.toContain(fx.alice.xm);
        expect(r.text).not.toMatch(NO_STACK);
        expect(r.text).not.toMatch(/audit_log|insert|sqlite|ER_/i);
      } finally {
        await ctx.db.schema.renameTable('audit_log_parked', 'audit_log');
      }
      expect((await postJson(base, 'getRKZP', alice(), good)).status).toBe(200);
    });
  });
});
