/**
 * The token endpoint cannot be used to stall the gateway or to guess secrets: scrypt runs off
 * the event loop, failed attempts are throttled per client id and per address through the
 * shared counters (so across replicas), and an unknown client id costs what a known one does.
 */
import crypto from 'node:crypto';
import { addConsumer } from '../../../catalog/consumers';
import { openKnex } from '../../../core/db';
import { LoginThrottle } from '../../../gateway/auth/throttle';
import { startServer, RunningServer } from '../../../scripts/app/server';
import { STORAGE_TARGETS } from '../../support/databases';
import { testContext, TestContext } from '../../support/context';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe.each(STORAGE_TARGETS)('token endpoint on %s', (target) => {
  let ctx: TestContext;
  let server: RunningServer;
  let base: string;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    ctx = await testContext(target);
    for (const id of ['tk-a', 'tk-b', 'tk-c']) secrets[id] = (await addConsumer(ctx.db, { id, name: id, methods: ['getRKZP'] })).secret;
    server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    await ctx.dispose();
  });

  const token = async (clientId: string, secret: string) => {
    const started = performance.now();
    const r = await fetch(`${base}/dprs/api/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
    });
    const body = (await r.json()) as Record<string, unknown>;
    return { status: r.status, body, ms: performance.now() - started };
  };

  it('checks secrets with the asynchronous scrypt: /readyz answers while logins run', async () => {
    const sync = jest.spyOn(crypto, 'scryptSync');
    const onThreadPool = jest.spyOn(crypto, 'scrypt');
    let readyAnswers = 0;
    let running = true;
    const probe = (async () => {
      while (running) {
        expect((await fetch(`${base}/readyz`)).status).toBe(200);
        readyAnswers++;
      }
    })();
    const answers = await Promise.all(Array.from({ length: 8 }, () => token('tk-c', secrets['tk-c'])));
    running = false;
    await probe;
    for (const a of answers) expect(a.status).toBe(200);
    // the rule, not a timing: every secret checked on libuv's thread pool, none on the event loop
    // (how long /readyz waits meanwhile depends on what else shares the two cores)
    expect(sync).not.toHaveBeenCalled();
    expect(onThreadPool).toHaveBeenCalledTimes(8);
    expect(readyAnswers).toBeGreaterThan(0);
    sync.mockRestore();
    onThreadPool.mockRestore();
  }, 60000);

  it('an unknown client id costs what a wrong secret for a known one costs', async () => {
    const unknown: number[] = [];
    const known: number[] = [];
    for (let i = 0; i < 7; i++) {
      const u = await token(`tk-nobody-${i}`, 'wrong');
      const k = await token('tk-b', `wrong-${i}`);
      expect(u.status).toBe(401);
      expect(k.status).toBe(401);
      expect(u.body).toEqual(k.body);
      unknown.push(u.ms);
      known.push(k.ms);
    }
    // the fault this catches is a ratio of ~1/20 (no scrypt at all for an unknown id); other
    // load on a shared machine moves single requests by 2× either way, so the bounds are wide
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(0.25);
    expect(ratio).toBeLessThan(4);
  }, 60000);

  it('after 10 failed attempts a client id is refused (429), even with the right secret; other clients are not', async () => {
    for (let i = 0; i < 10; i++) expect((await token('tk-a', `guess-${i}`)).status).toBe(401);
    const blocked = await token('tk-a', secrets['tk-a']);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({ msg: '请求过于频繁：失败次数过多，请稍后再试', result_code: '429', data: [] });
    expect((await token('tk-c', secrets['tk-c'])).status).toBe(200);
  }, 60000);
});

describe.each(STORAGE_TARGETS)('login throttle on %s', (target) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await testContext(target);
  });
  afterAll(() => ctx.dispose());

  const rule = { kind: 'token-fail', windowMs: 60000, perClient: 3, perAddress: 5 };

  it('counts per address across client ids, shared by replicas on one database, over a sliding window', async () => {
    let now = 1_000_000_020_000 + 30000; // half-way through a window
    const other = target === 'mysql' ? openKnex({ client: 'mysql', url: ctx.database.url }) : openKnex({ client: 'sqlite', sqliteFile: ctx.database.url });
    try {
      const replica1 = new LoginThrottle(ctx.db, rule, () => now);
      const replica2 = new LoginThrottle(other, rule, () => now);
      // per client: 3 failures, 2 seen by one replica and 1 by the other
      await replica1.recordFailure('c1', '10.0.0.1');
      await replica1.recordFailure('c1', '10.0.0.2');
      expect(await replica2.blocked('c1', '10.0.0.3')).toBe(false);
      await replica2.recordFailure('c1', '10.0.0.3');
      expect(await replica1.blocked('c1', '10.0.0.4')).toBe(true);
      // per address: 5 failures from one address, each for another (unknown) id
      for (let i = 0; i < 4; i++) await replica2.recordFailure(`spray-${i}`, '10.9.9.9');
      expect(await replica1.blocked('spray-new', '10.9.9.9')).toBe(false);
      await replica1.recordFailure('spray-4', '10.9.9.9');
      expect(await replica1.blocked('spray-new', '10.9.9.9')).toBe(true);
      expect(await replica1.blocked('c2', '10.0.0.5')).toBe(false);
      // sliding: at the next window's start the previous window still weighs fully
      now = 1_000_000_020_000 + 60000;
      expect(await replica1.blocked('c1', '10.0.0.6')).toBe(true);
      // two-thirds into it, 3 × 1/3 = 1 failure remains: admitted again
      now = 1_000_000_020_000 + 60000 + 40001;
      expect(await replica1.blocked('c1', '10.0.0.6')).toBe(false);
    } finally {
      await other.destroy();
    }
  });
});
