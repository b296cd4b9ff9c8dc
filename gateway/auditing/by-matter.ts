/**
 * Audit figures by 事项: how many lookups named each 事项 in their purpose (audit_log.matter_code,
 * written beside the hashed purpose). Read-only; the chain itself is store.ts's.
 */
import type { Db } from '../../core/db';

export interface MatterLookups {
  matterCode: string;
  calls: number;
  /** answers other than 200 and 404 */
  errors: number;
}

export async function lookupsByMatter(db: Db, fromMs: number, toMs: number): Promise<MatterLookups[]> {
  const rows = (await db('audit_log')
    .whereNotNull('matter_code')
    .where('at', '>=', fromMs)
    .where('at', '<', toMs)
    .groupBy('matter_code')
    .select('matter_code')
    .count({ calls: '*' })
    .sum({ errors: db.raw("case when result_code in ('200', '404') then 0 else 1 end") })
    .orderBy('matter_code')) as Array<Record<string, unknown>>;
  return rows.map((r) => ({ matterCode: String(r.matter_code), calls: Number(r.calls), errors: Number(r.errors ?? 0) }));
}
