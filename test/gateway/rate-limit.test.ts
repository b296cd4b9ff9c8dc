import { RateLimiter } from '../../gateway/rate-limit';
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
});
