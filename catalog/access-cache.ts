/**
 * The lookups' access decisions, kept per process while the access version
 * (catalog/access-version.ts) stands — and any other decision resting only on what raises it
 * (whether a caller may name a 事项 as its purpose). Every call reads the version — one row by
 * primary key, a read shared by concurrent calls (readVersion) — instead of the consumer,
 * resource and grants: a change committed anywhere raises it, so the next call on any process
 * decides afresh. A decision also ends when a grant it rests on expires, and after MAX_AGE_MS,
 * which bounds a change made with plain SQL that did not raise the version.
 */
import { setImmediate as turnEnded } from 'node:timers/promises';
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
  /** decisions kept by remembered(), by key */
  private readonly others = new Map<string, { value: unknown; at: number }>();
  /** the version read sent and not yet answered */
  private sent: Promise<number> | null = null;
  /** the read to be sent next, shared by every call that arrives before it is sent */
  private next: Promise<number> | null = null;

  constructor(private readonly db: Db) {}

  private send(): Promise<number> {
    const read = selectRows<{ version: number | string }>(this.db, ACCESS_VERSION_SQL, []).then(([row]) => Number(row.version));
    // Stryker disable next-line all: when the read completes no newer one can have been sent (the next read is sent only after this callback), and a stale `sent` would only make the next call wait for a read sent after it began, as it must anyway
    const done = () => {
      // Stryker disable next-line all: see above
      if (this.sent === read) this.sent = null;
    };
    read.then(done, done);
    return (this.sent = read);
  }

  /**
   * The version as read by a statement sent after this call began — so it reflects every
   * change committed before — shared between concurrent calls. The read is sent when the
   * current turn of the event loop ends, so the calls of one turn share it; a read already on
   * its way may have been sent before a call began, so a call arriving meanwhile waits for the
   * next one, sent once that one is answered. Under load this is one read per turn or per round
   * trip instead of one per call: on MySQL a round trip each, on SQLite a read transaction each
   * (BENCHMARKS.md, "Round 10").
   */
  private readVersion(): Promise<number> {
    this.next ??= (this.sent ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => turnEnded()) // the calls made during this turn have all begun
      .then(() => {
        this.next = null;
        return this.send();
      });
    return this.next;
  }

  /** The version read for this call; what was kept under an older one is dropped. */
  private async currentVersion(): Promise<number> {
    const version = await this.readVersion();
    if (version > this.version) {
      this.entries.clear();
      this.others.clear();
      this.version = version;
    }
    return version;
  }

  async access(consumerId: string, method: string, now: number): Promise<AccessResult> {
    const db = this.db;
    const version = await this.currentVersion();
    const key = `${consumerId}\u0000${method}`;
    const hit = this.entries.get(key);
    // every entry was decided after a read of this.version, which is at least the version this
    // call read: a call that read an older one may use it too
    if (hit && now < hit.until && now - hit.at < MAX_AGE_MS) return hit.result;
    // the decision is read after the version, so it is at least as new as the version it is kept under
    const decided = await decideAccess(db, consumerId, method, now);
    if (version === this.version) {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound of the cache: only memory differs (clearing at every entry is tested by the cache holding several consumers)
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(key, { ...decided, at: now });
    }
    return decided.result;
  }

  /** Another decision resting only on what raises the version, kept as access decisions are. */
  async remembered<T>(key: string, now: number, decide: () => Promise<T>): Promise<T> {
    const version = await this.currentVersion();
    const hit = this.others.get(key);
    if (hit && now - hit.at < MAX_AGE_MS) return hit.value as T;
    const value = await decide();
    if (version === this.version) {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound of the cache: only memory differs
      if (this.others.size >= MAX_ENTRIES) this.others.clear();
      this.others.set(key, { value, at: now });
    }
    return value;
  }
}

const caches = new WeakMap<Db, AccessCache>();

function cacheOf(db: Db): AccessCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new AccessCache(db)));
  return cache;
}

/** What one consumer may receive from one lookup method now (resolveAccess), cached per database handle. */
export function accessForLookup(db: Db, consumerId: string, method: string, now = Date.now()): Promise<AccessResult> {
  return cacheOf(db).access(consumerId, method, now);
}

/**
 * `decide()`, kept under `key` until the access version moves (or MAX_AGE_MS passes): for a
 * decision every input of which is written only by functions that raise the version.
 */
export function keptWhileAccessStands<T>(db: Db, key: string, decide: () => Promise<T>, now = Date.now()): Promise<T> {
  return cacheOf(db).remembered(key, now, decide);
}
