/**
 * Failed sign-ins are throttled per name (a token's client id) and per caller address, so a
 * secret cannot be guessed online: past the limit, requests are refused (429) before any secret
 * is checked. Counts live in the shared `rate_limit_counters` table (sliding window, as the
 * lookup limits), so they hold across replicas and restarts. Sign-ins are rare, so each one
 * reads and writes the database directly. Used by the token endpoint and the workbench sign-in.
 */
import type { Db } from '../../core/db';
import { addToSharedCounter, readSharedCounters, slidingCount } from '../rate-limit';

export interface LoginThrottleRule {
  /** what is being signed in to: keeps the token's and the workbench's counts apart */
  kind: string;
  windowMs: number;
  /** failed attempts per name per window; null: not counted by name (the caller locks accounts itself) */
  perClient: number | null;
  /** failed attempts per address per window (several windows may share one NAT address) */
  perAddress: number;
}

export const TOKEN_THROTTLE: LoginThrottleRule = { kind: 'token-fail', windowMs: 15 * 60000, perClient: 10, perAddress: 100 };

/** The workbench: an account locks itself after five failures; an address is limited across accounts. */
export function signInThrottle(perAddress: number): LoginThrottleRule {
  return { kind: 'sign-in-fail', windowMs: 15 * 60000, perClient: null, perAddress };
}

export class LoginThrottle {
  constructor(
    private readonly db: Db,
    private readonly rule: LoginThrottleRule = TOKEN_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  private keys(name: string, address: string): Array<{ key: string; limit: number }> {
    const out = [{ key: `${this.rule.kind}|addr|${address.slice(0, 64)}`, limit: this.rule.perAddress }];
    if (this.rule.perClient !== null) out.push({ key: `${this.rule.kind}|client|${name.slice(0, 64)}`, limit: this.rule.perClient });
    return out;
  }

  /** True when this name or this address has used up its failed attempts. */
  async blocked(name: string, address: string): Promise<boolean> {
    const now = this.now();
    const window = Math.floor(now / this.rule.windowMs);
    const keys = this.keys(name, address);
    const counts = await readSharedCounters(this.db, keys.flatMap((k) => [`${k.key}|${window - 1}`, `${k.key}|${window}`]));
    return keys.some((k, i) => slidingCount(counts[2 * i], counts[2 * i + 1], this.rule.windowMs, now) >= k.limit);
  }

  async recordFailure(name: string, address: string): Promise<void> {
    const window = Math.floor(this.now() / this.rule.windowMs);
    const expiresAt = (window + 3) * this.rule.windowMs;
    for (const k of this.keys(name, address)) await addToSharedCounter(this.db, `${k.key}|${window}`, 1, expiresAt);
  }
}
