/**
 * The 多元校核 tables: verification_values (what each 校核源 says, beside the library) and
 * verification_differences (校核差异). The only module that touches them.
 */
import type { Knex } from 'knex';
import { batchRowsFor } from '../../core/dialect';

export const DIFFERENCE_STATES = ['待核实', '已确认', '已忽略'] as const;
export type DifferenceState = (typeof DIFFERENCE_STATES)[number];

export interface SourceValue {
  jobId: string;
  recordKey: string;
  item: string;
  value: string | null;
}

export interface Difference extends Finding {
  id: number;
  library: string;
  firstSeen: number;
  lastSeen: number;
  state: DifferenceState;
  resolvedBy: string | null;
  resolvedAt: number | null;
  resolutionNote: string | null;
  closedAt: number | null;
}

/** A difference as the comparison finds it now (no history). */
export interface Finding {
  recordKey: string;
  item: string;
  authoritativeValue: string | null;
  authoritativeJob: string | null;
  department: string | null;
  otherValue: string | null;
  source: string;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const num = (v: unknown): number | null => (v == null ? null : Number(v));

function toDifference(r: Record<string, unknown>): Difference {
  return {
    id: Number(r.id),
    library: String(r.library),
    recordKey: String(r.record_key),
    item: String(r.item),
    authoritativeValue: (r.authoritative_value as string | null) ?? null,
    authoritativeJob: (r.authoritative_job as string | null) ?? null,
    department: (r.department as string | null) ?? null,
    otherValue: (r.other_value as string | null) ?? null,
    source: String(r.source),
    firstSeen: Number(r.first_seen),
    lastSeen: Number(r.last_seen),
    state: r.state as DifferenceState,
    resolvedBy: (r.resolved_by as string | null) ?? null,
    resolvedAt: num(r.resolved_at),
    resolutionNote: (r.resolution_note as string | null) ?? null,
    closedAt: num(r.closed_at),
  };
}

// ---- values of verification sources ----

export async function saveSourceValues(trx: Knex, library: string, values: SourceValue[], now: number): Promise<void> {
  const rows = values.map((v) => ({ job_id: v.jobId, library, record_key: v.recordKey, item: v.item, value: v.value, seen_at: now }));
  for (const part of chunks(rows, batchRowsFor(trx, 6, 500))) {
    await trx('verification_values').insert(part).onConflict(['job_id', 'record_key', 'item']).merge(['library', 'value', 'seen_at']);
  }
}

/** A source that no longer holds a record withdraws what it said about it. */
export async function removeSourceValues(trx: Knex, jobId: string, keys: string[]): Promise<void> {
  for (const part of chunks(keys, batchRowsFor(trx, 1, 1000))) await trx('verification_values').where({ job_id: jobId }).whereIn('record_key', part).del();
}

/** A removed 校核源 says nothing any more: its values go and its open differences close. */
export async function withdrawSource(trx: Knex, jobId: string, now: number): Promise<void> {
  await trx('verification_values').where({ job_id: jobId }).del();
  await trx('verification_differences').where({ source: jobId }).whereNull('closed_at').update({ closed_at: now, last_seen: now });
}

export async function sourceValuesOf(trx: Knex, library: string, keys: string[]): Promise<SourceValue[]> {
  const out: SourceValue[] = [];
  for (const part of chunks(keys, batchRowsFor(trx, 1, 1000))) {
    const rows = await trx('verification_values').where({ library }).whereIn('record_key', part).select('job_id', 'record_key', 'item', 'value');
    for (const r of rows) out.push({ jobId: r.job_id, recordKey: r.record_key, item: r.item, value: r.value ?? null });
  }
  return out;
}

// ---- differences, as the comparison keeps them ----

/** Every difference of these records, open or closed. */
export async function differencesOf(trx: Knex, library: string, keys: string[]): Promise<Difference[]> {
  const out: Difference[] = [];
  for (const part of chunks(keys, batchRowsFor(trx, 1, 1000))) {
    for (const r of await trx('verification_differences').where({ library }).whereIn('record_key', part)) out.push(toDifference(r));
  }
  return out;
}

export async function insertDifferences(trx: Knex, library: string, found: Finding[], now: number): Promise<void> {
  const rows = found.map((f) => ({
    library, record_key: f.recordKey, item: f.item, authoritative_value: f.authoritativeValue, authoritative_job: f.authoritativeJob,
    department: f.department, other_value: f.otherValue, source: f.source, first_seen: now, last_seen: now, state: '待核实',
  }));
  for (const part of chunks(rows, batchRowsFor(trx, 11, 500))) await trx('verification_differences').insert(part);
}

/** Values changed (or the difference came back after closing): it is news again, 待核实. */
export async function reopenDifference(trx: Knex, id: number, f: Finding, now: number, wasClosed: boolean): Promise<void> {
  await trx('verification_differences').where({ id }).update({
    authoritative_value: f.authoritativeValue, authoritative_job: f.authoritativeJob, department: f.department, other_value: f.otherValue,
    last_seen: now, state: '待核实', resolved_by: null, resolved_at: null, resolution_note: null, closed_at: null,
    ...(wasClosed ? { first_seen: now } : {}),
  });
}

export async function touchDifferences(trx: Knex, ids: number[], now: number): Promise<void> {
  for (const part of chunks(ids, batchRowsFor(trx, 1, 1000))) await trx('verification_differences').whereIn('id', part).update({ last_seen: now });
}

/** The values agree again. */
export async function closeDifferences(trx: Knex, ids: number[], now: number): Promise<void> {
  for (const part of chunks(ids, batchRowsFor(trx, 1, 1000))) await trx('verification_differences').whereIn('id', part).update({ closed_at: now, last_seen: now });
}

/** Records a full run soft-deleted have nothing left to compare: their open differences close. */
export async function closeDifferencesOfDeleted(trx: Knex, library: string, table: string, pk: string, now: number): Promise<void> {
  await trx('verification_differences')
    .where({ library })
    .whereNull('closed_at')
    .whereIn('record_key', trx(table).select(pk).where('deleted', true))
    .update({ closed_at: now, last_seen: now });
}

// ---- differences, as people read and resolve them ----

export interface DifferenceFilter {
  library?: string;
  item?: string;
  state?: DifferenceState;
  source?: string;
  /** only the items this department owns */
  department?: string;
  /** closed differences too (default: open only) */
  includeClosed?: boolean;
}

function filtered(db: Knex, f: DifferenceFilter): Knex.QueryBuilder {
  const q = db('verification_differences');
  if (f.library) q.where('library', f.library);
  if (f.item) q.where('item', f.item);
  if (f.state) q.where('state', f.state);
  if (f.source) q.where('source', f.source);
  if (f.department) q.where('department', f.department);
  if (!f.includeClosed) q.whereNull('closed_at');
  return q;
}

export async function listDifferences(db: Knex, f: DifferenceFilter, page: { limit: number; offset: number }): Promise<Difference[]> {
  const rows = await filtered(db, f).orderBy('id').limit(page.limit).offset(page.offset);
  return rows.map(toDifference);
}

export interface DifferenceCount {
  library: string;
  item: string;
  source: string;
  state: DifferenceState;
  count: number;
}

export async function countDifferences(db: Knex, f: DifferenceFilter): Promise<DifferenceCount[]> {
  const rows = await filtered(db, f)
    .select('library', 'item', 'source', 'state')
    .count({ n: '*' })
    .groupBy('library', 'item', 'source', 'state')
    .orderBy(['library', 'item', 'source', 'state']);
  return rows.map((r) => ({ library: String(r.library), item: String(r.item), source: String(r.source), state: r.state as DifferenceState, count: Number(r.n) }));
}

export async function getDifference(db: Knex, id: number): Promise<Difference | null> {
  const r = await db('verification_differences').where({ id }).first();
  return r ? toDifference(r) : null;
}

export async function resolveDifference(db: Knex, id: number, state: DifferenceState, by: string, note: string | null, now: number): Promise<Difference | null> {
  await db('verification_differences').where({ id }).update({ state, resolved_by: by, resolved_at: now, resolution_note: note });
  return getDifference(db, id);
}

/** Open differences per library, item and state: the /metrics gauge. */
export async function openDifferenceCounts(db: Knex): Promise<Array<{ library: string; item: string; state: string; count: number }>> {
  const rows = (await db('verification_differences').whereNull('closed_at').select('library', 'item', 'state').count({ n: '*' }).groupBy('library', 'item', 'state')) as Array<Record<string, unknown>>;
  return rows.map((r) => ({ library: String(r.library), item: String(r.item), state: String(r.state), count: Number(r.n) }));
}
