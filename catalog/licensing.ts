/** The 214 licensing items of 附件4, browsable by department and searchable by name. */
import type { Db } from '../core/db';
import { queryParams } from '../core/http';

export interface LicensingQuery {
  q?: string;
  department?: string;
  page: number;
  pageSize: number;
}

export function parseLicensingQuery(qs: Record<string, unknown>): LicensingQuery {
  const { text: s, int } = queryParams(qs);
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
