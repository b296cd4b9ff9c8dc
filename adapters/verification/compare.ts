/**
 * The comparison: for some records of a library, what differs now — each intra-record rule,
 * and each 校核源 value against the authoritative one, item by item — and the stored 校核差异
 * brought in line (created, last_seen moved on, closed when the values agree again).
 */
import type { Knex } from 'knex';
import { batchRowsFor, selectRows } from '../../core/dialect';
import type { TargetLibrary } from '../sync/targets';
import { itemOwners } from './ownership';
import { RULE_SOURCE_PREFIX, rulesOf, LibraryRecord } from './rules';
import { closeDifferences, differencesOf, Finding, insertDifferences, reopenDifference, sourceValuesOf, touchDifferences } from './store';

/**
 * Sources differ in spacing and in writing "nothing" as null or ''; a 数值 (decimal) item also in
 * trailing zeros — MariaDB answers a DECIMAL(p,4) column's 1.5 as '1.5000', SQLite as 1.5.
 */
function canonical(v: unknown, decimal = false): string | null {
  if (v == null) return null;
  const s = String(v).trim();
  if (s === '') return null;
  return decimal && /^-?\d+\.\d+$/.test(s) ? s.replace(/\.?0+$/, '') : s;
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
 * Records the caller has just written whole, by key — inserted, or upserted by a job that maps
 * every item: what the library now holds for them (the columns written; on an insert the others
 * are null; a 数值 compares equal however the database writes it), so they need not be read back.
 */
export type WrittenRecords = ReadonlyMap<string, LibraryRecord>;

/**
 * Whether the library holds any 校核源 value and any stored difference at all (by index, one
 * statement). Read in the caller's transaction, it sees what the per-key reads would see: where
 * it says none, those reads — two lists of up to 1,000 keys each batch — are skipped.
 */
const HELD_SQL =
  'select exists (select 1 from `verification_values` where `library` = ?) as `vals`, exists (select 1 from `verification_differences` where `library` = ?) as `diffs`';

async function heldFor(trx: Knex, library: string): Promise<{ values: boolean; differences: boolean }> {
  const [row] = await selectRows<{ vals: number | string; diffs: number | string }>(trx, HELD_SQL, [library, library]);
  return { values: Number(row.vals) === 1, differences: Number(row.diffs) === 1 };
}

/**
 * What differs now for these records. A record not (or no longer) in the library has nothing to
 * compare. `withValues` false: the library holds no 校核源 values, so only the rules are checked.
 */
export async function findDifferences(trx: Knex, lib: TargetLibrary, keys: string[], written: WrittenRecords = new Map(), withValues = true): Promise<Finding[]> {
  const library = lib.table;
  const records = await liveRecords(trx, lib, written.size ? keys.filter((k) => !written.has(k)) : keys);
  for (const key of keys) {
    const record = written.get(key);
    if (record && !record.deleted) records.set(key, record);
  }
  const found: Array<Omit<Finding, 'authoritativeJob' | 'department'>> = [];
  const rules = rulesOf(library);
  for (const [recordKey, record] of records) {
    for (const rule of rules) {
      const f = rule.check(record);
      if (f) found.push({ recordKey, item: f.item, authoritativeValue: f.value, otherValue: f.expected, source: RULE_SOURCE_PREFIX + rule.id });
    }
  }
  const decimals = new Set(lib.columns.filter((c) => typeof c.kind === 'object').map((c) => c.name));
  for (const v of withValues ? await sourceValuesOf(trx, library, keys) : []) {
    const record = records.get(v.recordKey);
    if (!record) continue;
    const authoritative = canonical(record[v.item], decimals.has(v.item));
    const other = canonical(v.value, decimals.has(v.item));
    if (authoritative !== other) found.push({ recordKey: v.recordKey, item: v.item, authoritativeValue: authoritative, otherValue: other, source: v.jobId });
  }
  if (found.length === 0) return [];
  // the owners only label a finding: read when there is one
  const owners = await itemOwners(trx, lib);
  return found.map((f) => ({ ...f, authoritativeJob: owners.get(f.item)?.job ?? null, department: owners.get(f.item)?.department ?? null }));
}

export interface RecheckOutcome {
  opened: number;
  closed: number;
}

/** How the stored differences of some records are to be brought in line: what recheckRecords writes. */
export interface RecheckPlan {
  fresh: Finding[];
  reopened: Array<{ id: number; finding: Finding; wasClosed: boolean }>;
  stillThere: number[];
  agreeing: number[];
}

/** Reads and compares, writes nothing. */
export async function planRecheck(trx: Knex, lib: TargetLibrary, keys: string[], written?: WrittenRecords): Promise<RecheckPlan> {
  const plan: RecheckPlan = { fresh: [], reopened: [], stillThere: [], agreeing: [] };
  if (keys.length === 0) return plan;
  const library = lib.table;
  const held = await heldFor(trx, library);
  const found = await findDifferences(trx, lib, keys, written, held.values);
  const stored = new Map((held.differences ? await differencesOf(trx, library, keys) : []).map((d) => [identity(d.recordKey, d.item, d.source), d]));
  const current = new Set<string>();
  for (const f of found) {
    const id = identity(f.recordKey, f.item, f.source);
    current.add(id);
    const d = stored.get(id);
    if (!d) plan.fresh.push(f);
    else if (d.closedAt === null && d.authoritativeValue === f.authoritativeValue && d.otherValue === f.otherValue) plan.stillThere.push(d.id);
    else plan.reopened.push({ id: d.id, finding: f, wasClosed: d.closedAt !== null });
  }
  plan.agreeing = [...stored.entries()].filter(([id, d]) => d.closedAt === null && !current.has(id)).map(([, d]) => d.id);
  return plan;
}

export function writesNothing(plan: RecheckPlan): boolean {
  return plan.fresh.length + plan.reopened.length + plan.stillThere.length + plan.agreeing.length === 0;
}

/** Writes what planRecheck found. */
export async function applyRecheck(trx: Knex, library: string, plan: RecheckPlan, now: number): Promise<RecheckOutcome> {
  for (const r of plan.reopened) await reopenDifference(trx, r.id, r.finding, now, r.wasClosed);
  await insertDifferences(trx, library, plan.fresh, now);
  await touchDifferences(trx, plan.stillThere, now);
  await closeDifferences(trx, plan.agreeing, now);
  return { opened: plan.reopened.length + plan.fresh.length, closed: plan.agreeing.length };
}

/** Compares these records again and brings their stored differences in line. */
export async function recheckRecords(trx: Knex, lib: TargetLibrary, keys: string[], now = Date.now(), written?: WrittenRecords): Promise<RecheckOutcome> {
  return applyRecheck(trx, lib.table, await planRecheck(trx, lib, keys, written), now);
}
