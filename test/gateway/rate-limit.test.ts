import { RateLimiter, readSharedCounters, slidingCount } from '../../gateway/rate-limit';
import { openKnex } from '../../core/db';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../support/databases';

describe.each(STORAGE_TARGETS)('rate limits on %s', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await freshDatabase(target);
  });
  afterEach(async () => {
    await t.drop();
  });

  const rule = { defaultLimit: 10, perMethod: { batchRKHY: 2 }, windowMs: 60000 };

  it('limits per consumer and per method within a window', async () => {
    let now = 1_000_000_020_000;
    const rl = new RateLimiter(t.db, rule, 50, () => now);
    const admitted = Array.from({ length: 15 }, () => rl.take('a', 'getRKZP')).filter(Boolean).length;
    expect(admitted).toBe(10);
    expect(rl.take('b', 'getRKZP')).toBe(true); // another consumer has its own budget
    expect(rl.take('a', 'batchRKHY')).toBe(true);
    expect(rl.take('a', 'batchRKHY')).toBe(true);
    expect(rl.take('a', 'batchRKHY')).toBe(false); // per-method override
    now += 60000; // the same moment of the next window: the last 60 s still hold 10
    expect(rl.take('a', 'getRKZP')).toBe(false);
    now += 60000; // a whole window later
    expect(rl.take('a', 'getRKZP')).toBe(true);
    await rl.close();
  });

  it('slides: a limit spent just before a window edge is not granted again just after it', async () => {
    const edge = 1_000_000_020_000 + 60000; // a window boundary
    let now = edge - 100;
    const rl = new RateLimiter(t.db, rule, 50, () => now);
    expect(Array.from({ length: 10 }, () => rl.take('a', 'getRKZP')).every(Boolean)).toBe(true);
    now = edge + 100; // a fixed window admitted 10 more here: 20 within 200 ms
    expect(Array.from({ length: 10 }, () => rl.take('a', 'getRKZP')).filter(Boolean).length).toBe(0);
    now = edge + 30000; // half of the earlier 10 has slid out
    expect(Array.from({ length: 10 }, () => rl.take('a', 'getRKZP')).filter(Boolean).length).toBe(5);
    now = edge + 60000 + 30000; // the 10 have left; the 5 weigh half
    expect(Array.from({ length: 10 }, () => rl.take('a', 'getRKZP')).filter(Boolean).length).toBe(7);
    await rl.close();
  });

  it('a batch spends one unit per item, all or nothing', async () => {
    const now = () => 1_000_000_020_000;
    const rl = new RateLimiter(t.db, { defaultLimit: 1000, perMethod: {}, windowMs: 60000 }, 50, now);
    expect(rl.take('a', 'batchRKHY', 1000)).toBe(true);
    expect(rl.take('a', 'batchRKHY', 1)).toBe(false); // a batch of 1,000 is 1,000 checks
    expect(rl.take('b', 'batchRKHY', 1001)).toBe(false); // bigger than the whole limit: refused, nothing spent
    expect(rl.take('b', 'batchRKHY', 1000)).toBe(true);
    await rl.sync();
    const total = await t.db('rate_limit_counters').sum({ n: 'count' }).first();
    expect(Number(total!.n)).toBe(2000);
    await rl.close();
  });

  it('the previous window seen by another replica counts after the edge', async () => {
    const edge = 1_000_000_020_000 + 60000;
    let now = edge - 100;
    const other = target === 'mysql' ? openKnex({ client: 'mysql', url: t.url }) : openKnex({ client: 'sqlite', sqliteFile: t.url });
    try {
      const p1 = new RateLimiter(t.db, rule, 1000, () => now);
      const p2 = new RateLimiter(other, rule, 1000, () => now);
      for (let i = 0; i < 10; i++) expect(p1.take('a', 'getRKZP')).toBe(true);
      await p1.sync();
      now = edge + 6000; // 90 % of p1's 10 still inside the last minute
      expect(p2.take('a', 'getRKZP')).toBe(true); // p2 knows nothing yet
      await p2.sync();
      expect(p2.take('a', 'getRKZP')).toBe(false); // 9 + 1 = 10
      await p1.close();
      await p2.close();
    } finally {
      await other.destroy();
    }
  });

  it('holds across processes sharing the database', async () => {
    const now = () => 1_000_000_020_000;
    const other = target === 'mysql' ? openKnex({ client: 'mysql', url: t.url }) : openKnex({ client: 'sqlite', sqliteFile: t.url });
    try {
      const p1 = new RateLimiter(t.db, rule, 1000, now);
      const p2 = new RateLimiter(other, rule, 1000, now);
      for (let i = 0; i < 6; i++) expect(p1.take('a', 'getRKZP')).toBe(true);
      await p1.sync();
      await p2.sync(); // p2 has no local bucket yet: take once so it syncs that bucket
      expect(p2.take('a', 'getRKZP')).toBe(true);
      await p2.sync();
      const more = Array.from({ length: 10 }, () => p2.take('a', 'getRKZP')).filter(Boolean).length;
      expect(more).toBe(3); // 6 + 1 already counted in the shared counter
      await p2.sync();
      await p1.sync();
      expect(p1.take('a', 'getRKZP')).toBe(false);
      const total = await t.db('rate_limit_counters').sum({ n: 'count' }).first();
      expect(Number(total!.n)).toBe(10);
      await p1.close();
      await p2.close();
    } finally {
      await other.destroy();
    }
  });

  it('counts what it admitted while a sync is in flight', async () => {
    const now = () => 1_000_000_020_000;
    const rl = new RateLimiter(t.db, rule, 60000, now);
    for (let i = 0; i < 6; i++) expect(rl.take('a', 'getRKZP')).toBe(true);
    const syncing = rl.sync(); // its database round trip has not finished yet
    const admitted = Array.from({ length: 10 }, () => rl.take('a', 'getRKZP')).filter(Boolean).length;
    await syncing;
    expect(admitted).toBe(4);
    await rl.sync();
    expect(rl.take('a', 'getRKZP')).toBe(false);
    await rl.close();
  });

  it('treats 0 as unlimited', async () => {
    const rl = new RateLimiter(t.db, { defaultLimit: 0, perMethod: {}, windowMs: 60000 });
    for (let i = 0; i < 1000; i++) expect(rl.take('a', 'getRKZP')).toBe(true);
    await rl.close();
  });
  const MINUTE = 60000;
  const W = 16_666_667; // a window number: its start is W * MINUTE
  const counters = async () => (await t.db('rate_limit_counters').orderBy('bucket')).map((r) => ({ bucket: r.bucket, count: Number(r.count), expires_at: Number(r.expires_at) }));

  it('a per-method limit of 0 makes that method unlimited, whatever the default', async () => {
    const rl = new RateLimiter(t.db, { defaultLimit: 1, perMethod: { getRKZP: 0 }, windowMs: MINUTE }, 50, () => W * MINUTE);
    expect(rl.limitFor('getRKZP')).toBe(0);
    expect(rl.limitFor('getRKHY')).toBe(1);
    for (let i = 0; i < 50; i++) expect(rl.take('a', 'getRKZP')).toBe(true);
    expect(rl.take('a', 'getRKHY')).toBe(true);
    expect(rl.take('a', 'getRKHY')).toBe(false);
    await rl.close();
  });

  it('counts the previous window by the share of it still inside the last window', () => {
    expect(slidingCount(10, 2, MINUTE, W * MINUTE)).toBe(12);
    expect(slidingCount(10, 2, MINUTE, W * MINUTE + 15000)).toBe(9.5);
    expect(slidingCount(10, 2, MINUTE, W * MINUTE + 45000)).toBe(4.5);
    expect(slidingCount(10, 0, MINUTE, (W + 1) * MINUTE - 1)).toBeCloseTo(10 / MINUTE, 10);
  });

  /** waits (no sync of its own) until the shared counters add up to `total` */
  async function synced(total: number): Promise<void> {
    for (let waited = 0; waited < 5000; waited += 20) {
      if ((await counters()).reduce((n, c) => n + c.count, 0) === total) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('syncs by itself syncMs after a take, every time, one bucket per consumer, method and window, kept for three windows', async () => {
    const now = W * MINUTE + 1000;
    const rl = new RateLimiter(t.db, rule, 20, () => now);
    rl.take('a', 'getRKZP');
    rl.take('a', 'getRKZP');
    await synced(2);
    // the previous window's bucket is synced too: it brings the other processes' counts of it
    expect(await counters()).toEqual([
      { bucket: `a|getRKZP|${W - 1}`, count: 0, expires_at: (W + 2) * MINUTE },
      { bucket: `a|getRKZP|${W}`, count: 2, expires_at: (W + 3) * MINUTE },
    ]);
    rl.take('a', 'getRKZP');
    rl.take('b', 'getRKHY', 3);
    await synced(6);
    expect(await counters()).toEqual([
      { bucket: `a|getRKZP|${W - 1}`, count: 0, expires_at: (W + 2) * MINUTE },
      { bucket: `a|getRKZP|${W}`, count: 3, expires_at: (W + 3) * MINUTE },
      { bucket: `b|getRKHY|${W - 1}`, count: 0, expires_at: (W + 2) * MINUTE },
      { bucket: `b|getRKHY|${W}`, count: 3, expires_at: (W + 3) * MINUTE },
    ]);
    expect(await readSharedCounters(t.db, [`b|getRKHY|${W}`, 'none', `a|getRKZP|${W}`])).toEqual([3, 0, 3]);
    await rl.close();
  });

  it('deletes shared counters once expired, not before', async () => {
    let now = W * MINUTE;
    const rl = new RateLimiter(t.db, rule, 60000, () => now);
    rl.take('a', 'getRKZP');
    await rl.sync();
    now = (W + 3) * MINUTE; // the instant of expiry: still kept (the previous window's bucket expired before)
    await rl.sync();
    expect((await counters()).map((c) => c.bucket)).toEqual([`a|getRKZP|${W}`]);
    now += 1;
    await rl.sync();
    expect(await counters()).toEqual([]);
    await rl.close();
  });

  it('keeps the previous window across a sync after the edge, and the current one after its count is shared', async () => {
    const edge = (W + 1) * MINUTE;
    let now = edge - 100;
    const rl = new RateLimiter(t.db, rule, 60000, () => now);
    for (let i = 0; i < 10; i++) expect(rl.take('a', 'getRKZP')).toBe(true);
    await rl.sync();
    now = edge + 100;
    await rl.sync();
    await rl.sync(); // the previous window's bucket has nothing local left: still counted
    expect(rl.take('a', 'getRKZP')).toBe(false);
    now = edge + MINUTE + 100; // two windows on: the old bucket is dropped, the budget is whole
    await rl.sync();
    expect(Array.from({ length: 12 }, () => rl.take('a', 'getRKZP')).filter(Boolean).length).toBe(10);
    await rl.close();
  });

  it('two syncs at once add each unit once', async () => {
    const now = () => W * MINUTE;
    const rl = new RateLimiter(t.db, rule, 60000, now);
    for (let i = 0; i < 5; i++) rl.take('a', 'getRKZP');
    await Promise.all([rl.sync(), rl.sync(), rl.sync()]);
    expect((await counters()).map((c) => c.count)).toEqual([0, 5]);
    await rl.close();
    expect((await counters()).map((c) => c.count)).toEqual([0, 5]);
  });

  it('a failed sync keeps the local count and the next one adds it; close syncs what is left', async () => {
    const now = () => W * MINUTE;
    const rl = new RateLimiter(t.db, rule, 60000, now);
    for (let i = 0; i < 4; i++) rl.take('a', 'getRKZP');
    await t.db.schema.renameTable('rate_limit_counters', 'rate_limit_counters_gone');
    await expect(rl.sync()).rejects.toBeDefined();
    await t.db.schema.renameTable('rate_limit_counters_gone', 'rate_limit_counters');
    expect(Array.from({ length: 10 }, () => rl.take('a', 'getRKZP')).filter(Boolean).length).toBe(6);
    await rl.close();
    expect((await counters()).map((c) => c.count)).toEqual([0, 10]);
  });
  it('syncs once per interval, however many takes it admitted', async () => {
    const now = () => W * MINUTE;
    const rl = new RateLimiter(t.db, rule, 30, now);
    const sync = jest.spyOn(rl, 'sync');
    for (let i = 0; i < 5; i++) rl.take('a', 'getRKZP');
    await synced(5);
    await new Promise((r) => setTimeout(r, 100));
    expect(sync).toHaveBeenCalledTimes(1);
    await rl.close();
  });

  it('shares units admitted in a window even when the first sync comes two windows later, then forgets the window', async () => {
    let now = W * MINUTE + 1000;
    const rl = new RateLimiter(t.db, rule, 60000, () => now);
    for (let i = 0; i < 3; i++) rl.take('a', 'getRKZP');
    now = (W + 2) * MINUTE + 1000;
    await rl.sync();
    expect((await counters()).filter((c) => c.count > 0)).toEqual([{ bucket: `a|getRKZP|${W}`, count: 3, expires_at: (W + 3) * MINUTE }]);
    // nothing left to share: the next sync does not write its counter again
    const writes: string[] = [];
    const listen = (q: { sql: string }) => {
      if (/rate_limit_counters/.test(q.sql) && /^insert/i.test(q.sql)) writes.push(q.sql);
    };
    t.db.on('query', listen);
    try {
      await rl.sync();
    } finally {
      t.db.removeListener('query', listen);
    }
    expect(writes).toEqual([]);
    await rl.close();
  });
});
