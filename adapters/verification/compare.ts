/**
 * The comparison: for some records of a library, what differs now — each intra-record rule,
 * and each 校核源 value against the authoritative one, item by item — and the stored 校核差异
 * brought in line (created, last_seen moved on, closed when the values agree again).
 */
import type { Knex } from 'knex';
import { batchRowsFor } from '../../core/dialect';
import type { TargetLibrary } from '../sync/targets';
import { itemOwners } from './ownership';
import { RULE_SOURCE_PREFIX, rulesOf, LibraryRecord } from './rules';
import { closeDifferences, differencesOf, Finding, insertDifferences, reopenDifference, sourceValuesOf, touchDifferences } from './store';

/** Sources differ in spacing and in writing "nothing" as null or ''. */
function canonical(v: unknown): string | null {
  if (v == null) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
}

const identity = (recordKey: string, item: string, source: string) => `${recordKey}\u0000${item}\u0000${source}`;

async function liveRecords(trx: Knex, lib: TargetLibrary, keys: string[]): Promise<Map<string, LibraryRecord>> {
  const out = new Map<string, LibraryRecord>();
  for (let i = 0; i < keys.length; i += batchRowsFor(trx, 1, 1000)) {
    const part = keys.slice(i, i + batchRowsFor(trx, 1, 1000));
    for (const r of await trx(lib.table).whereIn(lib.pk, part).andWhere('deleted', false)) out.set(String(r[lib.pk]), r);
  }
  return out;
}

/**
 * Records the caller has just inserted, whole, by key: exactly what the library now holds for
 * them (the columns written; the others are null), so they need not be read back.
 */
export type InsertedRecords = ReadonlyMap<string, LibraryRecord>;

/** What differs now for these records. A record not (or no longer) in the library has nothing to compare. */
export async function findDifferences(trx: Knex, lib: TargetLibrary, keys: string[], inserted: InsertedRecords = new Map()): Promise<Finding[]> {
  const library = lib.table;
  const records = await liveRecords(trx, lib, inserted.size ? keys.filter((k) => !inserted.has(k)) : keys);
  for (const key of keys) {
    const record = inserted.get(key);
    if (record && !record.deleted) records.set(key, record);
  }
  const owners = await itemOwners(trx, lib);
  const owned = (item: string) => ({ authoritativeJob: owners.get(item)?.job ?? null, department: owners.get(item)?.department ?? null });
  const found: Finding[] = [];
  const rules = rulesOf(library);
  for (const [recordKey, record] of records) {
    for (const rule of rules) {
      const f = rule.check(record);
      if (f) found.push({ recordKey, item: f.item, authoritativeValue: f.value, otherValue: f.expected, source: RULE_SOURCE_PREFIX + rule.id, ...owned(f.item) });
    }
  }
  for (const v of await sourceValuesOf(trx, library, keys)) {
    const record = records.get(v.recordKey);
    if (!record) continue;
    const authoritative = canonical(record[v.item]);
    const other = canonical(v.value);
    if (authoritative !== other) found.push({ recordKey: v.recordKey, item: v.item, authoritativeValue: authoritative, otherValue: other, source: v.jobId, ...owned(v.item) });
  }
  return found;
}

export interface RecheckOutcome {
  opened: number;
  closed: number;
}

/** Compares these records again and brings their stored differences in line. */
export async function recheckRecords(trx: Knex, lib: TargetLibrary, keys: string[], now = Date.now(), inserted?: InsertedRecords): Promise<RecheckOutcome> {
  if (keys.length === 0) return { opened: 0, closed: 0 };
  const library = lib.table;
  const found = await findDifferences(trx, lib, keys, inserted);
  const stored = new Map((await differencesOf(trx, library, keys)).map((d) => [identity(d.recordKey, d.item, d.source), d]));
  const fresh: Finding[] = [];
  const stillThere: number[] = [];
  const current = new Set<string>();
  let opened = 0;
  for (const f of found) {
    const id = identity(f.recordKey, f.item, f.source);
    current.add(id);
    const d = stored.get(id);
    if (!d) {
      fresh.push(f);
    } else if (d.closedAt === null && d.authoritativeValue === f.authoritativeValue && d.otherValue === f.otherValue) {
      stillThere.push(d.id);
    } else {
      await reopenDifference(trx, d.id, f, now, d.closedAt !== null);
      opened++;
    }
  }
  await insertDifferences(trx, library, fresh, now);
  await touchDifferences(trx, stillThere, now);
  const agreeing = [...stored.entries()].filter(([id, d]) => d.closedAt === null && !current.has(id)).map(([, d]) => d.id);
  await closeDifferences(trx, agreeing, now);
  return { opened: opened + fresh.length, closed: agreeing.length };
}
