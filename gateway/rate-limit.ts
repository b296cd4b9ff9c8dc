/**
 * Per-consumer, per-method request limits that hold across gateway processes sharing one
 * database. Each process counts locally and every `syncMs` adds its count to the shared
 * counter of the current window and reads the totals back. A process therefore knows the
 * others' traffic at most `syncMs` late: the limit can be overshot by what the other
 * processes admit within that interval, never more.
 *
 * The window slides: what is in use is this window's count plus the previous window's,
 * weighted by the share of it still inside the last `windowMs` (the usual sliding-window
 * estimate). A fixed window let a consumer spend its limit just before an edge and again just
 * after it — twice the limit within one window's time.
 */
import type { Db } from '../core/db';
import { addToCounter } from '../core/dialect';

export interface RateLimitRule {
  /** units per window per consumer and method (a batch item is a unit); 0 = unlimited */
  defaultLimit: number;
  perMethod: Record<string, number>;
  windowMs: number;
}

interface Bucket {
  /** total of all processes at the last sync, this process's unsynced count included */
  shared: number;
  /** admitted by this process since the last sync */
  local: number;
}

/** The sliding estimate of the units used in the last window at `now`. */
export function slidingCount(previous: number, current: number, windowMs: number, now: number): number {
  const elapsed = (now % windowMs) / windowMs;
  return previous * (1 - elapsed) + current;
}

/** Adds delta to a shared counter (created on first use) and returns its total. */
export function addToSharedCounter(db: Db, bucket: string, delta: number, expiresAt: number): Promise<number> {
  return addToCounter(db, { table: 'rate_limit_counters', keyColumn: 'bucket', countColumn: 'count', key: bucket, delta, extra: { expires_at: expiresAt } });
}

/** The totals of some shared counters (0 for one never used). */
export async function readSharedCounters(db: Db, buckets: string[]): Promise<number[]> {
  const rows = (await db('rate_limit_counters').whereIn('bucket', buckets).select('bucket', 'count')) as Array<{ bucket: string; count: number }>;
  const byBucket = new Map(rows.map((r) => [r.bucket, Number(r.count)]));
  return buckets.map((b) => byBucket.get(b) ?? 0);
}

export class RateLimiter {
  /** by `consumer|method|window` */
  private buckets = new Map<string, Bucket>();
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly rule: RateLimitRule,
    private readonly syncMs = 200,
    private readonly now: () => number = Date.now,
  ) {}

  limitFor(method: string): number {
    return this.rule.perMethod[method] ?? this.rule.defaultLimit;
  }

  private bucket(key: string, window: number): Bucket {
    const id = `${key}|${window}`;
    let b = this.buckets.get(id);
    if (!b) {
      b = { shared: 0, local: 0 };
      this.buckets.set(id, b);
    }
    return b;
  }

  /** Admits `units` (a batch's item count; 1 for a single lookup) or refuses them all. Never waits on the database. */
  take(consumerId: string, method: string, units = 1): boolean {
    const limit = this.limitFor(method);
    if (limit <= 0) return true;
    const now = this.now();
    const window = Math.floor(now / this.rule.windowMs);
    const key = `${consumerId}|${method}`;
    const previous = this.bucket(key, window - 1);
    const current = this.bucket(key, window);
    const used = slidingCount(previous.shared + previous.local, current.shared + current.local, this.rule.windowMs, now);
    if (used + units > limit) return false;
    current.local += units;
    this.schedule();
    return true;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.sync().catch(() => undefined);
    }, this.syncMs);
    this.timer.unref();
  }

  /** Pushes local counts to the shared counters and pulls the totals. */
  async sync(): Promise<void> {
    while (this.syncing) await this.syncing;
    this.syncing = this.doSync().finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async doSync(): Promise<void> {
    const current = Math.floor(this.now() / this.rule.windowMs);
    for (const [id, b] of this.buckets) {
      const window = Number(id.slice(id.lastIndexOf('|') + 1));
      if (window < current - 1 && b.local === 0) {
        this.buckets.delete(id);
        continue;
      }
      // the delta stays in `local` until the shared total that includes it is read back:
      // take() keeps counting it while the round trip is in flight (zeroing it first let a
      // process admit a whole extra budget during every sync)
      const delta = b.local;
      const expiresAt = (window + 3) * this.rule.windowMs;
      const shared = await addToSharedCounter(this.db, id, delta, expiresAt); // on failure: kept, retried next sync
      b.shared = shared;
      b.local -= delta;
    }
    await this.db('rate_limit_counters').where('expires_at', '<', this.now()).del();
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sync().catch(() => undefined);
  }
}
