/**
 * Per-consumer, per-method request limits that hold across gateway processes sharing one
 * database. Each process counts locally and every `syncMs` adds its count to the shared
 * counter of the current window and reads the total back. A process therefore knows the
 * others' traffic at most `syncMs` late: the limit can be overshot by what the other
 * processes admit within that interval, never more.
 */
import type { Db } from '../core/db';
import { addToCounter } from '../core/dialect';

export interface RateLimitRule {
  /** requests per window per consumer and method; 0 = unlimited */
  defaultLimit: number;
  perMethod: Record<string, number>;
  windowMs: number;
}

interface Bucket {
  window: number;
  /** total of all processes at the last sync, this process's unsynced count included */
  shared: number;
  /** admitted by this process since the last sync */
  local: number;
}

export class RateLimiter {
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

  /** Admits one request (true) or refuses it (false). Never waits on the database. */
  take(consumerId: string, method: string): boolean {
    const limit = this.limitFor(method);
    if (limit <= 0) return true;
    const window = Math.floor(this.now() / this.rule.windowMs);
    const key = `${consumerId}|${method}`;
    let b = this.buckets.get(key);
    if (!b || b.window !== window) {
      b = { window, shared: 0, local: 0 };
      this.buckets.set(key, b);
    }
    if (b.shared + b.local >= limit) return false;
    b.local++;
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
    for (const [key, b] of this.buckets) {
      if (b.window < current) {
        this.buckets.delete(key);
        continue;
      }
      // the delta stays in `local` until the shared total that includes it is read back:
      // take() keeps counting it while the round trip is in flight (zeroing it first let a
      // process admit a whole extra budget during every sync)
      const delta = b.local;
      const bucket = `${key}|${b.window}`;
      const expiresAt = (b.window + 2) * this.rule.windowMs;
      const shared = await this.addAndRead(bucket, delta, expiresAt); // on failure: kept, retried next sync
      b.shared = shared;
      b.local -= delta;
    }
    await this.db('rate_limit_counters').where('expires_at', '<', this.now()).del();
  }

  private addAndRead(bucket: string, delta: number, expiresAt: number): Promise<number> {
    return addToCounter(this.db, { table: 'rate_limit_counters', keyColumn: 'bucket', countColumn: 'count', key: bucket, delta, extra: { expires_at: expiresAt } });
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sync().catch(() => undefined);
  }
}
