/**
 * Rate limits seen from outside: the (N+1)th call in a window is refused with the 429
 * envelope — HTTP 429 on JSON, HTTP 200 with result_code "429" in SOAP's `return` — while
 * another consumer or another method keeps its own budget; and two gateway processes (two
 * apps, two knex pools, one database) share one budget once their limiters have synced.
 */
import { ensureDemoGrants } from '../../../catalog/demo-grants';
import { addConsumer } from '../../../catalog/consumers';
import { contextOver } from '../../../scripts/app/context';
import type { AppContext } from '../../../gateway/context';
import { createLogger } from '../../../core/logger';
import { startServer, RunningServer } from '../../../scripts/app/server';
import { openKnex } from '../../../core/db';
import { ALL_LOOKUPS } from '../../../scripts/demo';
import { STORAGE_TARGETS } from '../../support/databases';
import type { TestContext } from '../../support/context';
import { testGateway, TestGateway } from '../../support/gateway';
import { auditCount, Fixtures, postJson, PURPOSE, tokenFor } from '../../support/lookups';
import { postSoap, soapEnvelope, soapReturn, SQL, STACK } from '../../support/hostile';

const DEFAULT_LIMIT = 5;
const RKZP_LIMIT = 3;

/** The limiter counts per minute window: start a sequence well inside one, so it is not split. */
async function freshWindow(): Promise<void> {
  const left = 60000 - (Date.now() % 60000);
  if (left < 10000) await new Promise((r) => setTimeout(r, left + 50));
}

describe.each(STORAGE_TARGETS)('rate limits over HTTP on %s', (target) => {
  let ctx: TestContext;
  let gw: TestGateway;
  let fx: Fixtures;
  let base: string;

  beforeAll(async () => {
    gw = await testGateway(target, { env: { RATE_LIMIT_PER_MINUTE: String(DEFAULT_LIMIT), RATE_LIMITS: `getRKZP:${RKZP_LIMIT}` } });
    ({ ctx, fx, base } = gw);
  });
  afterAll(() => gw.close());

  /** A consumer with grants on every base resource, its own budget. */
  const newConsumer = async (id: string) => {
    await addConsumer(ctx.db, { id, name: `限流测试 ${id}`, methods: ALL_LOOKUPS });
    await ensureDemoGrants(ctx.db, id, `限流测试 ${id}`);
    return { authorization: `Bearer ${tokenFor(ctx.config, id)}`, 'x-purpose': PURPOSE };
  };
  const alice = () => ({ xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh });
  const refused = (method: string, limit: number) => `请求过于频繁：每分钟最多调用 ${limit} 次 ${method}`;

  it('JSON: the (N+1)th call is HTTP 429 with the envelope; another consumer and another method are unaffected', async () => {
    await freshWindow();
    const a = await newConsumer('rl-json-a');
    const b = await newConsumer('rl-json-b');
    for (let i = 0; i < RKZP_LIMIT; i++) expect((await postJson(base, 'getRKZP', alice(), a)).status).toBe(200);

    const before = await auditCount(ctx.db);
    const over = await postJson(base, 'getRKZP', alice(), a);
    expect(over.status).toBe(429);
    expect(over.body).toEqual({ msg: refused('getRKZP', RKZP_LIMIT), result_code: '429', data: [] });
    expect(over.text).not.toContain(fx.alice.gmsfzh);
    expect(over.text).not.toMatch(STACK);
    expect(over.text).not.toMatch(SQL);
    expect(await auditCount(ctx.db)).toBe(before + 1); // a refusal to an authenticated caller is audited
    expect((await postJson(base, 'getRKZP', alice(), a)).status).toBe(429); // and stays refused

    expect((await postJson(base, 'getRKZP', alice(), b)).status).toBe(200); // another consumer
    // another method of the same consumer: its own (default) budget
    for (let i = 0; i < DEFAULT_LIMIT; i++) expect((await postJson(base, 'getRKHY', alice(), a)).body.result_code).toBe('200');
    const rkhyOver = await postJson(base, 'getRKHY', alice(), a);
    expect(rkhyOver.status).toBe(429);
    expect(rkhyOver.body.msg).toBe(refused('getRKHY', DEFAULT_LIMIT));
    expect((await postJson(base, 'getFRXX', { tyshxydm: fx.firm.tyshxydm }, a)).status).toBe(200);
  });

  it('SOAP: the (N+1)th call is HTTP 200 with result_code "429" in `return`; the budget is shared with JSON', async () => {
    await freshWindow();
    const a = await newConsumer('rl-soap-a');
    const b = await newConsumer('rl-soap-b');
    const body = soapEnvelope('getRKZP', alice());
    for (let i = 0; i < RKZP_LIMIT; i++) expect(soapReturn((await postSoap(base, body, a)).text)?.result_code).toBe('200');

    const over = await postSoap(base, body, a);
    expect(over.status).toBe(200);
    expect(soapReturn(over.text)).toEqual({ msg: refused('getRKZP', RKZP_LIMIT), result_code: '429', data: [] });
    expect(over.text).not.toMatch(STACK);
    expect(over.text).not.toContain(fx.alice.gmsfzh);
    // one consumer, one method, one budget whichever interface is used
    expect((await postJson(base, 'getRKZP', alice(), a)).status).toBe(429);

    expect(soapReturn((await postSoap(base, body, b)).text)?.result_code).toBe('200');
    expect(soapReturn((await postSoap(base, soapEnvelope('getRKHY', alice()), a)).text)?.result_code).toBe('200');
  });

  it('two gateway processes on one database share the budget after a sync', async () => {
    await freshWindow();
    const h = await newConsumer('rl-shared');
    const other = target === 'mysql' ? openKnex({ client: 'mysql', url: ctx.database.url }) : openKnex({ client: 'sqlite', sqliteFile: ctx.database.url });
    const ctx2: AppContext = contextOver(ctx.config, other, createLogger('silent'));
    const server2 = await startServer(ctx2, { port: 0, host: '127.0.0.1' });
    const base2 = `http://127.0.0.1:${server2.port}`;
    const q = { tyshxydm: fx.firm.tyshxydm };
    try {
      // process 1 admits 3 of the 5
      for (let i = 0; i < 3; i++) expect((await postJson(base, 'getFRXX', q, h)).status).toBe(200);
      await ctx.rateLimiter.sync();
      // process 2 knows nothing yet: its first call is admitted, and its sync reads the shared total
      expect((await postJson(base2, 'getFRXX', q, h)).status).toBe(200);
      await ctx2.rateLimiter.sync();
      const second: number[] = [];
      for (let i = 0; i < 3; i++) second.push((await postJson(base2, 'getFRXX', q, h)).status);
      expect(second).toEqual([200, 429, 429]); // 3 + 1 + 1 = 5
      const soapOver = await postSoap(base2, soapEnvelope('getFRXX', q), h);
      expect(soapReturn(soapOver.text)?.result_code).toBe('429');
      // and process 1 learns of process 2's traffic at its next sync
      await ctx2.rateLimiter.sync();
      await ctx.rateLimiter.sync();
      expect((await postJson(base, 'getFRXX', q, h)).status).toBe(429);
      // another consumer is untouched on either process
      const other2 = await newConsumer('rl-shared-other');
      expect((await postJson(base2, 'getFRXX', q, other2)).status).toBe(200);
      expect((await postJson(base, 'getFRXX', q, other2)).status).toBe(200);
    } finally {
      await server2.close();
      await ctx2.audit.flush().catch(() => undefined);
      await ctx2.rateLimiter.close();
      await other.destroy();
    }
  });
});
