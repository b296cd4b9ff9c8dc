/**
 * Failed token requests are throttled per client id and per caller address, so a secret
 * cannot be guessed online: past the limit, requests are refused (429) before any secret is
 * checked. Counts live in the shared `rate_limit_counters` table (sliding window, as the
 * lookup limits), so they hold across replicas and restarts. Token requests are rare, so each
 * one reads and writes the database directly.
 */
import type { Db } from '../../core/db';
import { addToSharedCounter, readSharedCounters, slidingCount } from '../rate-limit';

export interface LoginThrottleRule {
  windowMs: number;
  /** failed attempts per client id per window */
  perClient: number;
  /** failed attempts per address per window (several windows may share one NAT address) */
  perAddress: number;
}

export const TOKEN_THROTTLE: LoginThrottleRule = { windowMs: 15 * 60000, perClient: 10, perAddress: 100 };

export class LoginThrottle {
  constructor(
    private readonly db: Db,
    private readonly rule: LoginThrottleRule = TOKEN_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  private keys(clientId: string, address: string): Array<{ key: string; limit: number }> {
    return [
      { key: `token-fail|client|${clientId.slice(0, 64)}`, limit: this.rule.perClient },
      { key: `token-fail|addr|${address.slice(0, 64)}`, limit: this.rule.perAddress },
    ];
  }

  /** True when this client id or this address has used up its failed attempts. */
  async blocked(clientId: string, address: string): Promise<boolean> {
    const now = this.now();
    const window = Math.floor(now / this.rule.windowMs);
    const keys = this.keys(clientId, address);
    const counts = await readSharedCounters(this.db, keys.flatMap((k) => [`${k.key}|${window - 1}`, `${k.key}|${window}`]));
    return keys.some((k, i) => slidingCount(counts[2 * i], counts[2 * i + 1], this.rule.windowMs, now) >= k.limit);
  }

  async recordFailure(clientId: string, address: string): Promise<void> {
    const window = Math.floor(this.now() / this.rule.windowMs);
    const expiresAt = (window + 3) * this.rule.windowMs;
    for (const k of this.keys(clientId, address)) await addToSharedCounter(this.db, `${k.key}|${window}`, 1, expiresAt);
  }
}
