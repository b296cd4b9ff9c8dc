/**
 * Catalogue search over published resources: text terms (every term must appear), facet
 * filters, facet counts, paging and sorting. Reads the narrow resource_search table only — never the JSON bodies.
 */
import type { Knex } from 'knex';
import type { Db } from '../core/db';
import { ApiError } from '../core/result-codes';

const FACETS = ['provider', 'category', 'share_type', 'share_mode', 'update_cycle'] as const;
export type Facet = (typeof FACETS)[number];

const FACET_COLUMN: Record<Facet, string> = {
  provider: 'provider_code',
  category: 'category',
  share_type: 'share_type',
  share_mode: 'share_mode',
  update_cycle: 'update_cycle',
};

const SORTS = {
  updated: ['updated_at', 'desc'],
  published: ['published_at', 'desc'],
  name: ['name', 'asc'],
  code: ['code', 'asc'],
} as const;

export interface SearchQuery {
  q?: string;
  filters: Partial<Record<Facet, string>>;
  page: number;
  pageSize: number;
  sort: keyof typeof SORTS;
}

export interface SearchHit {
  code: string;
  version: number;
  name: string;
  provider_code: string;
  provider_name: string | null;
  category: string;
  share_type: string;
  share_mode: string;
  update_cycle: string;
  summary: string | null;
  published_at: number | null;
}

export interface SearchResult {
  total: number;
  page: number;
  page_size: number;
  results: SearchHit[];
  facets: Record<Facet, Array<{ value: string; label: string; count: number }>>;
}

/** Query-string → SearchQuery, or a 400 naming the parameter. */
export function parseSearchQuery(qs: Record<string, unknown>): SearchQuery {
  const str = (k: string): string | undefined => {
    const v = qs[k];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw new ApiError('BAD_PARAM', '只能出现一次', k);
    return v;
  };
  const int = (k: string, dflt: number, min: number, max: number): number => {
    const v = str(k);
    if (v === undefined) return dflt;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new ApiError('BAD_PARAM', `应为 ${min} 至 ${max} 的整数`, k);
    return Number(v);
  };
  const q = str('q');
  if (q !== undefined && q.length > 100) throw new ApiError('BAD_PARAM', '检索词不超过 100 个字符', 'q');
  const filters: SearchQuery['filters'] = {};
  for (const f of FACETS) {
    const v = str(f);
    if (v !== undefined) {
      if (v.length > 64) throw new ApiError('BAD_PARAM', '取值过长', f);
      filters[f] = v;
    }
  }
  const sort = str('sort') ?? 'updated';
  if (!(sort in SORTS)) throw new ApiError('BAD_PARAM', `排序应为 ${Object.keys(SORTS).join(' / ')} 之一`, 'sort');
  return { q, filters, page: int('page', 1, 1, 100000), pageSize: int('page_size', 20, 1, 100), sort: sort as keyof typeof SORTS };
}

function escapeLike(s: string): string {
  // '!' rather than a backslash: MySQL and SQLite read a backslash literal differently
  return s.replace(/[!%_]/g, (c) => '!' + c);
}

function applyText(qb: Knex.QueryBuilder, query: SearchQuery): Knex.QueryBuilder {
  for (const term of (query.q ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8)) {
    qb.whereRaw("search_text like ? escape '!'", [`%${escapeLike(term)}%`]);
  }
  return qb;
}

const SHARE_TYPE_LABEL: Record<string, string> = { '1': '无条件共享', '2': '有条件共享', '3': '不予共享' };

type Counts = { total: number; facets: SearchResult['facets'] };

function filtered(db: Db, query: SearchQuery, except?: Facet): Knex.QueryBuilder {
  const qb = applyText(db('resource_search'), query);
  for (const f of FACETS) {
    const v = query.filters[f];
    if (v !== undefined && f !== except) qb.where(FACET_COLUMN[f], v);
  }
  return qb;
}

/** Without text: one count and one grouped count per facet, each narrowed by the indexed filters. */
async function countsPerFacet(db: Db, query: SearchQuery): Promise<Counts> {
  const countRow = (await filtered(db, query).count({ n: '*' }).first()) as { n: number | string } | undefined;
  const facets = {} as SearchResult['facets'];
  for (const f of FACETS) {
    const col = FACET_COLUMN[f];
    const counts = (await filtered(db, query, f).select(`${col} as value`).count({ n: '*' }).groupBy(col).orderBy(col)) as Array<{ value: string; n: number | string }>;
    facets[f] = counts.map((c) => ({ value: String(c.value), label: String(c.value), count: Number(c.n) }));
  }
  return { total: Number(countRow?.n ?? 0), facets };
}

/**
 * With text: the LIKE scan is the cost, so it runs once — grouped by all five facet columns —
 * and the total and each facet's counts are summed from the groups in memory.
 */
async function countsFromGroups(db: Db, query: SearchQuery): Promise<Counts> {
  const cols = FACETS.map((f) => FACET_COLUMN[f]);
  const groups = (await applyText(db('resource_search'), query).select(cols).count({ n: '*' }).groupBy(cols)) as Array<Record<string, string> & { n: number | string }>;
  const matches = (g: Record<string, string>, except?: Facet) =>
    FACETS.every((f) => f === except || query.filters[f] === undefined || String(g[FACET_COLUMN[f]]) === query.filters[f]);
  let total = 0;
  const counts = Object.fromEntries(FACETS.map((f) => [f, new Map<string, number>()])) as Record<Facet, Map<string, number>>;
  for (const g of groups) {
    const n = Number(g.n);
    if (matches(g)) total += n;
    for (const f of FACETS) {
      if (!matches(g, f)) continue;
      const v = String(g[FACET_COLUMN[f]]);
      counts[f].set(v, (counts[f].get(v) ?? 0) + n);
    }
  }
  const facets = {} as SearchResult['facets'];
  for (const f of FACETS) {
    facets[f] = [...counts[f].entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([value, count]) => ({ value, label: value, count }));
  }
  return { total, facets };
}

/** Hits of one page, the total, and per facet its counts under every filter but its own (so its other values stay choosable). */
export async function searchResources(db: Db, query: SearchQuery): Promise<SearchResult> {
  const [sortCol, sortDir] = SORTS[query.sort];
  const { total, facets } = query.q && query.q.trim() !== '' ? await countsFromGroups(db, query) : await countsPerFacet(db, query);
  const rows = total === 0 ? [] : ((await filtered(db, query)
    .select('code', 'version', 'name', 'provider_code', 'category', 'share_type', 'share_mode', 'update_cycle', 'summary', 'published_at')
    .orderBy(sortCol, sortDir)
    .orderBy('code', 'asc')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)) as Array<Omit<SearchHit, 'provider_name'>>);
  const deptCodes = [...new Set([...rows.map((r) => r.provider_code), ...facets.provider.map((p) => p.value)])];
  const names = new Map(
    ((await db('departments').whereIn('code', deptCodes).select('code', 'name')) as Array<{ code: string; name: string }>).map((d) => [d.code, d.name]),
  );
  for (const p of facets.provider) p.label = names.get(p.value) ?? p.value;
  for (const s of facets.share_type) s.label = SHARE_TYPE_LABEL[s.value] ?? s.value;
  return {
    total,
    page: query.page,
    page_size: query.pageSize,
    results: rows.map((r) => ({
      ...r,
      version: Number(r.version),
      published_at: r.published_at === null ? null : Number(r.published_at),
      provider_name: names.get(r.provider_code) ?? null,
    })),
    facets,
  };
}
