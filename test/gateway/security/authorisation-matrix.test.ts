/**
 * The authorisation matrix of issue #6: every way a caller can be unauthenticated or
 * unauthorised, on both interfaces and every storage target. Each cell asserts the code, the
 * Chinese message, `data: []` for a denial (or exactly the granted projection), that the raw
 * body leaks nothing (stack, path, SQL, another person's ID number), and the audit contract:
 * one row for an authenticated call, none for a 401.
 */
import jwt from 'jsonwebtoken';
import { addConsumer, setConsumerDisabled } from '../../../catalog/consumers';
import { createGrant, revokeGrant } from '../../../catalog/grants';
import { ALL_LOOKUPS } from '../../../scripts/demo';
import { STORAGE_TARGETS } from '../../support/databases';
import type { TestContext } from '../../support/context';
import { testGateway, TestGateway } from '../../support/gateway';
import { auditCount, Fixtures, postJson, PURPOSE, tokenFor } from '../../support/lookups';
import { EnvelopeBody, postSoap, soapEnvelope, soapReturn, SQL, STACK } from '../../support/hostile';

const POPULATION = '101001/00001';
const LEGAL_ENTITY = '102001/00001';
const ALL_PERSON_ITEMS = ['RYBH', 'GMSFZH', 'XM', 'CSRQ', 'MZ', 'XB', 'JG', 'CSD', 'HJD'];
const OPERATOR = { role: 'operator' as const, sub: 'security-suite' };

type Iface = 'json' | 'soap';

interface Cell {
  name: string;
  /** builds the headers for this interface (may create consumers, grants, and change them) */
  headers: (iface: Iface) => Promise<Record<string, string>>;
  code: '200' | '401' | '403';
  msg: string;
  /** extra checks on a 200 */
  check?: (env: EnvelopeBody, raw: string) => void;
}

describe.each(STORAGE_TARGETS)('authorisation matrix on %s', (target) => {
  let ctx: TestContext;
  let gw: TestGateway;
  let fx: Fixtures;
  let base: string;
  let alice: Record<string, string>;
  /** every stored ID number but alice's: never in any answer about alice */
  let others: string[];
  let aliceRow: { gmsfzh: string; hjd: string; csrq: string };

  beforeAll(async () => {
    gw = await testGateway(target);
    ({ ctx, fx, base } = gw);
    alice = { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh };
    const people = (await ctx.db('population').select('gmsfzh', 'hjd', 'csrq')) as { gmsfzh: string; hjd: string; csrq: string }[];
    others = people.filter((p) => p.gmsfzh !== fx.alice.gmsfzh).map((p) => p.gmsfzh);
    aliceRow = people.find((p) => p.gmsfzh === fx.alice.gmsfzh)!;
    expect(others.length).toBeGreaterThan(3);
  });
  afterAll(() => gw.close());

  const key = () => ctx.config.jwt.keys[0];
  const now = () => Math.floor(Date.now() / 1000);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}`, 'x-purpose': PURPOSE });
  const sign = (secret: string, exp: number) =>
    jwt.sign({ methods: ALL_LOOKUPS, exp }, secret, { algorithm: 'HS256', keyid: key().kid, issuer: ctx.config.jwt.issuer, subject: 'test-window' });

  /** A fresh consumer per cell and interface, so state changes in one cell do not leak into another. */
  const consumer = async (id: string, grants: { resource: string; items?: string[]; masked?: string[]; expiresAt?: number | null }[]) => {
    await addConsumer(ctx.db, { id, name: `安全测试 ${id}`, methods: ALL_LOOKUPS });
    const ids: number[] = [];
    for (const g of grants) {
      ids.push(
        await createGrant(ctx.db, {
          consumer_id: id,
          resource_code: g.resource,
          application_id: null,
          items: g.items ?? ALL_PERSON_ITEMS,
          masked_items: g.masked ?? [],
          expires_at: g.expiresAt ?? null,
        }),
      );
    }
    return ids;
  };

  const call = async (iface: Iface, headers: Record<string, string>): Promise<{ status: number; env: EnvelopeBody; raw: string }> => {
    if (iface === 'json') {
      const r = await postJson(base, 'getRKZP', alice, headers);
      expect(r.status).toBe(Number(r.body.result_code)); // JSON: HTTP status = code
      return { status: r.status, env: r.body, raw: r.text };
    }
    const r = await postSoap(base, soapEnvelope('getRKZP', alice), headers);
    expect(r.status).toBe(200); // SOAP: every business outcome is an envelope
    const env = soapReturn(r.text);
    expect(env).not.toBeNull();
    return { status: r.status, env: env!, raw: r.text };
  };

  const cells: Cell[] = [
    { name: 'no token', headers: async () => ({ 'x-purpose': PURPOSE }), code: '401', msg: '未认证：缺少 Authorization: Bearer 令牌' },
    { name: 'malformed Authorization header', headers: async () => ({ authorization: 'Bearer not.a.jwt', 'x-purpose': PURPOSE }), code: '401', msg: '未认证：令牌格式错误' },
    { name: 'expired token', headers: async () => bearer(sign(key().secret, now() - 30)), code: '401', msg: '未认证：令牌已过期' },
    {
      name: 'forged signature (another key, the right kid)',
      headers: async () => bearer(sign('forged-secret-forged-secret-forged-0123456789', now() + 600)),
      code: '401',
      msg: '未认证：令牌无效',
    },
    {
      name: 'alg: none',
      headers: async () => {
        const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        return bearer(`${b64({ alg: 'none', typ: 'JWT', kid: key().kid })}.${b64({ sub: 'test-window', methods: ALL_LOOKUPS, iss: ctx.config.jwt.issuer, exp: now() + 600 })}.`);
      },
      code: '401',
      msg: '未认证：令牌算法不被接受',
    },
    {
      name: 'token of another consumer that has no grant',
      headers: async (iface) => {
        await consumer(`nogrant-${iface}`, []);
        return bearer(tokenFor(ctx.config, `nogrant-${iface}`));
      },
      code: '403',
      msg: '无权限：未获授权调用 getRKZP',
    },
    {
      name: 'token without the method in `methods`',
      headers: async () => bearer(tokenFor(ctx.config, 'test-window', ALL_LOOKUPS.filter((m) => m !== 'getRKZP'))),
      code: '403',
      msg: '无权限：令牌未授权调用 getRKZP',
    },
    {
      name: 'method not granted (grant on another resource only)',
      headers: async (iface) => {
        await consumer(`frxx-only-${iface}`, [{ resource: LEGAL_ENTITY, items: ['TYSHXYDM', 'JGMC'] }]);
        return bearer(tokenFor(ctx.config, `frxx-only-${iface}`));
      },
      code: '403',
      msg: '无权限：未获授权调用 getRKZP',
    },
    {
      name: 'ungranted items (grant of XM and CSRQ only)',
      headers: async (iface) => {
        await consumer(`xm-csrq-${iface}`, [{ resource: POPULATION, items: ['XM', 'CSRQ'] }]);
        return bearer(tokenFor(ctx.config, `xm-csrq-${iface}`));
      },
      code: '200',
      msg: '操作成功',
      check: (env, raw) => {
        expect(env.data).toHaveLength(1);
        expect(Object.keys(env.data[0])).toEqual(['XM', 'CSRQ']);
        expect(env.data[0].XM).toBe(fx.alice.xm);
        expect(env.data[0].CSRQ).toBe(aliceRow.csrq);
        expect(raw).not.toContain(fx.alice.gmsfzh);
        expect(raw).not.toContain(aliceRow.hjd);
        expect(raw).not.toContain(fx.alice.rybh);
      },
    },
    {
      name: 'masked item (GMSFZH granted masked)',
      headers: async (iface) => {
        await consumer(`masked-${iface}`, [{ resource: POPULATION, masked: ['GMSFZH'] }]);
        return bearer(tokenFor(ctx.config, `masked-${iface}`));
      },
      code: '200',
      msg: '操作成功',
      check: (env, raw) => {
        expect(Object.keys(env.data[0])).toEqual(ALL_PERSON_ITEMS);
        expect(env.data[0].GMSFZH).toBe(fx.alice.gmsfzh.slice(0, 6) + '********' + fx.alice.gmsfzh.slice(14));
        expect(env.data[0].XM).toBe(fx.alice.xm); // only the masked item is masked
        expect(raw).not.toContain(fx.alice.gmsfzh);
      },
    },
    {
      name: 'revoked grant (the call after the revocation)',
      headers: async (iface) => {
        const [grant] = await consumer(`revoked-${iface}`, [{ resource: POPULATION }]);
        const h = bearer(tokenFor(ctx.config, `revoked-${iface}`));
        expect((await call(iface, h)).env.result_code).toBe('200'); // in force before
        await revokeGrant(ctx.db, OPERATOR, grant);
        return h;
      },
      code: '403',
      msg: '无权限：未获授权调用 getRKZP',
    },
    {
      name: 'expired grant',
      headers: async (iface) => {
        await consumer(`expired-grant-${iface}`, [{ resource: POPULATION, expiresAt: Date.now() - 1000 }]);
        return bearer(tokenFor(ctx.config, `expired-grant-${iface}`));
      },
      code: '403',
      msg: '无权限：未获授权调用 getRKZP',
    },
    {
      name: 'disabled consumer (still-valid token)',
      headers: async (iface) => {
        await consumer(`disabled-${iface}`, [{ resource: POPULATION }]);
        const h = bearer(tokenFor(ctx.config, `disabled-${iface}`));
        expect((await call(iface, h)).env.result_code).toBe('200');
        await setConsumerDisabled(ctx.db, `disabled-${iface}`, true);
        return h;
      },
      code: '403',
      msg: '无权限：调用方不存在或已停用',
    },
  ];

  describe.each(['json', 'soap'] as Iface[])('over %s', (iface) => {
    it.each(cells.map((c) => [c.name, c] as const))('%s', async (_name, cell) => {
      const headers = await cell.headers(iface);
      const before = await auditCount(ctx.db);
      const { env, raw } = await call(iface, headers);

      expect(env.result_code).toBe(cell.code);
      expect(env.msg).toBe(cell.msg);
      if (cell.code === '200') cell.check!(env, raw);
      else {
        expect(env.data).toEqual([]);
        expect(raw).not.toContain(fx.alice.gmsfzh);
        expect(raw).not.toContain(fx.alice.rybh);
      }
      expect(raw).not.toMatch(STACK);
      expect(raw).not.toMatch(SQL);
      for (const id of others) expect(raw).not.toContain(id);
      expect(await auditCount(ctx.db)).toBe(before + (cell.code === '401' ? 0 : 1));
    });
  });
});
