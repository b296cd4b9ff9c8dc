/**
 * 校核差异 for people: who may see and resolve them (the operator; a department's officers for
 * the items it owns), query checking, and the shape they are shown in. Used by the HTTP
 * routes and the CLI alike. Values are personal data: shown to those people, never logged.
 */
import type { Knex } from 'knex';
import { ApiError, badParam } from '../../core/result-codes';
import type { Principal } from '../../catalog/principal';
import { listLibraries } from '../../catalog/libraries';
import { ruleByName } from './rules';
import {
  countDifferences, Difference, DifferenceCount, DifferenceFilter, DifferenceState, DIFFERENCE_STATES, getDifference, listDifferences, resolveDifference,
} from './store';

/** The operator sees everything; a department officer the items its department owns. */
export function scopeOf(p: Principal): Pick<DifferenceFilter, 'department'> {
  if (p.role === 'operator') return {};
  if (p.role === 'department') return { department: p.dept };
  if (p.role === 'anonymous') throw new ApiError('UNAUTHENTICATED', '请先登录', 'Authorization');
  throw new ApiError('FORBIDDEN', '校核差异仅运营方和信息项所属部门可见');
}

function inScope(p: Principal, d: Difference): boolean {
  const scope = scopeOf(p);
  return scope.department === undefined || scope.department === d.department;
}

export interface DifferenceQuery {
  filter: DifferenceFilter;
  page: { limit: number; offset: number };
}

const one = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function boundedInt(v: unknown, field: string, min: number, max: number, fallback: number): number {
  const s = one(v);
  if (s === undefined) return fallback;
  if (!/^\d{1,6}$/.test(s) || Number(s) < min || Number(s) > max) throw badParam(field, `应为 ${min}–${max} 的整数`);
  return Number(s);
}

export function isDifferenceState(v: unknown): v is DifferenceState {
  return typeof v === 'string' && (DIFFERENCE_STATES as readonly string[]).includes(v);
}

/** ?library=&item=&state=&source=&closed=1&limit=&offset= (library: a library's table) */
export async function parseDifferenceQuery(db: Knex, q: Record<string, unknown>): Promise<DifferenceQuery> {
  const library = one(q.library);
  const libraries = await listLibraries(db);
  const named = libraries.filter((l) => l.table === library);
  if (library !== undefined && named.length === 0) throw badParam('library', `应为 ${libraries.map((l) => l.table).join(' / ')} 之一`);
  const item = one(q.item)?.toLowerCase();
  if (item !== undefined) {
    if (!(library ? named : libraries).some((l) => l.columns.some((c) => c.column === item))) throw badParam('item', '不是该库的信息项');
  }
  const state = one(q.state);
  if (state !== undefined && !isDifferenceState(state)) throw badParam('state', `应为 ${DIFFERENCE_STATES.join(' / ')} 之一`);
  const source = one(q.source);
  if (source !== undefined && !/^(rule:)?[A-Za-z0-9_.-]{1,64}$/.test(source)) throw badParam('source', '应为同步任务编号或 rule:规则编号');
  const closed = one(q.closed);
  if (closed !== undefined && closed !== '0' && closed !== '1') throw badParam('closed', '应为 0 或 1');
  return {
    filter: { library, item, state: state as DifferenceState | undefined, source, includeClosed: closed === '1' },
    page: { limit: boundedInt(q.limit, 'limit', 1, 500, 100), offset: boundedInt(q.offset, 'offset', 0, 1_000_000, 0) },
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The source as people read it: a rule's name, or the verification job. */
export function sourceName(source: string): string {
  return ruleByName(source)?.name ?? source;
}

export function presentDifference(d: Difference) {
  return {
    id: d.id,
    library: d.library,
    record_key: d.recordKey,
    item: d.item.toUpperCase(),
    authoritative_value: d.authoritativeValue,
    authoritative_job: d.authoritativeJob,
    department: d.department,
    other_value: d.otherValue,
    source: d.source,
    source_name: sourceName(d.source),
    first_seen: iso(d.firstSeen),
    last_seen: iso(d.lastSeen),
    state: d.state,
    closed_at: iso(d.closedAt),
    resolved_by: d.resolvedBy,
    resolved_at: iso(d.resolvedAt),
    resolution_note: d.resolutionNote,
  };
}

export async function listFor(db: Knex, p: Principal, q: DifferenceQuery): Promise<{ differences: Difference[]; counts: DifferenceCount[] }> {
  const filter = { ...q.filter, ...scopeOf(p) };
  const [differences, counts] = await Promise.all([listDifferences(db, filter, q.page), countDifferences(db, filter)]);
  return { differences, counts };
}

export function parseId(raw: unknown): number {
  if (typeof raw !== 'string' || !/^\d{1,12}$/.test(raw)) throw badParam('id', '应为正整数');
  return Number(raw);
}

export async function showFor(db: Knex, p: Principal, id: number): Promise<Difference> {
  scopeOf(p);
  const d = await getDifference(db, id);
  // another department's difference is as absent as a missing one: its existence is not ours to tell
  if (!d || !inScope(p, d)) throw new ApiError('NOT_FOUND', '没有该校核差异', 'id');
  return d;
}

export async function resolveFor(db: Knex, p: Principal & { sub: string }, id: number, body: unknown): Promise<Difference> {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  if (!isDifferenceState(b.state)) throw badParam('state', `应为 ${DIFFERENCE_STATES.join(' / ')} 之一`);
  if (b.note !== undefined && b.note !== null && (typeof b.note !== 'string' || b.note.length > 500)) throw badParam('note', '应为不超过 500 字的文字');
  await showFor(db, p, id);
  const note = typeof b.note === 'string' && b.note.trim() !== '' ? b.note.trim() : null;
  return (await resolveDifference(db, id, b.state, p.sub.slice(0, 64), note, Date.now()))!;
}
