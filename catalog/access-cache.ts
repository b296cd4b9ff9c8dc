/**
 * The lookups' access decisions, kept per process while the access version
 * (catalog/access-version.ts) stands. Every call reads the version — one indexed row — instead
 * of the consumer, resource and grants: a change committed anywhere raises it, so the next
 * call on any process decides afresh. A decision also ends when a grant it rests on expires,
 * and after MAX_AGE_MS, which bounds a change made with plain SQL that did not raise the version.
 */
import type { Db } from '../core/db';
import { selectRows } from '../core/dialect';
import { AccessDecision, AccessResult, decideAccess } from './access';
import { ACCESS_VERSION_SQL } from './access-version';

const MAX_AGE_MS = 60_000;
/** consumers × methods is small; the bound only keeps a flood of unknown names from growing it */
const MAX_ENTRIES = 10_000;

interface Entry extends AccessDecision {
  at: number;
}

class AccessCache {
  private version = -1;
  private readonly entries = new Map<string, Entry>();

  async access(db: Db, consumerId: string, method: string, now: number): Promise<AccessResult> {
    const [row] = await selectRows<{ version: number | string }>(db, ACCESS_VERSION_SQL, []);
    const version = Number(row.version);
    if (version > this.version) {
      this.entries.clear();
      this.version = version;
    }
    const key = `${consumerId}\u0000${method}`;
    const hit = this.entries.get(key);
    // a call that read an older version than another one already did decides without the cache
    if (hit && version === this.version && now < hit.until && now - hit.at < MAX_AGE_MS) return hit.result;
    // the decision is read after the version, so it is at least as new as the version it is kept under
    const decided = await decideAccess(db, consumerId, method, now);
    if (version === this.version) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(key, { ...decided, at: now });
    }
    return decided.result;
  }
}

const caches = new WeakMap<Db, AccessCache>();

/** What one consumer may receive from one lookup method now (resolveAccess), cached per database handle. */
export function accessForLookup(db: Db, consumerId: string, method: string, now = Date.now()): Promise<AccessResult> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new AccessCache()));
  return cache.access(db, consumerId, method, now);
}
