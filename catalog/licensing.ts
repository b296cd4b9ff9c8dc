/** The 214 licensing items of 附件4, browsable by department and searchable by name. */
import type { Db } from '../core/db';
import { ApiError } from '../core/result-codes';

export interface LicensingQuery {
  q?: string;
  department?: string;
  page: number;
  pageSize: number;
}

export function parseLicensingQuery(qs: Record<string, unknown>): LicensingQuery {
  const s = (k: string) => {
    const v = qs[k];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string' || v.length > 100) throw new ApiError('BAD_PARAM', '取值不合法', k);
    return v;
  };
  const int = (k: string, d: number, max: number) => {
    const v = s(k);
    if (v === undefined) return d;
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new ApiError('BAD_PARAM', `应为 1 至 ${max} 的整数`, k);
    return Number(v);
  };
  return { q: s('q'), department: s('department'), page: int('page', 1, 1000), pageSize: int('page_size', 50, 300) };
}

export async function searchLicensingItems(db: Db, q: LicensingQuery) {
  const filter = (b: ReturnType<Db>) => {
    if (q.q) b.where((w) => w.whereRaw("name like ? escape '!'", [`%${q.q!.replace(/[!%_]/g, (c) => '!' + c)}%`]).orWhere('code', q.q!.toUpperCase()));
    if (q.department) b.where('department', q.department);
    return b;
  };
  const total = (await filter(db('licensing_items')).count({ n: '*' }).first()) as { n: number | string };
  const rows = await filter(db('licensing_items')).select('seq', 'code', 'department', 'name').orderBy('seq').limit(q.pageSize).offset((q.page - 1) * q.pageSize);
  return { total: Number(total.n), page: q.page, page_size: q.pageSize, results: rows };
}
