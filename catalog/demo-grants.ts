/**
 * Demo access: an approved application and a grant of every item of each given resource (the
 * three base resources unless told otherwise) for one consumer, so the demo's lookups answer in
 * full. Idempotent.
 */
import type { Db } from '../core/db';
import { BASE_RESOURCE_CODES } from './base-resources';
import { activeGrants, createGrant } from './grants';
import { publishedVersion } from './resources';

export async function ensureDemoGrants(db: Db, consumerId: string, systemName: string, codes: readonly string[] = BASE_RESOURCE_CODES): Promise<number> {
  let added = 0;
  for (const code of codes) {
    const resource = await publishedVersion(db, code);
    if (!resource || (await activeGrants(db, consumerId, code)).length > 0) continue;
    const items = resource.registration.items.map((i) => i.field);
    const now = Date.now();
    await db.transaction(async (trx) => {
      const [id] = await trx('applications').insert({
        consumer_id: consumerId,
        resource_code: code,
        body: JSON.stringify({ resource_code: code, items, scenario: '一窗受理：办事时核验身份、查询户籍、企业、证照和参保信息', frequency: '实时', system_name: systemName, system_network: '政务外网（行政服务域）' }),
        status: 'approved',
        decision_note: '演示数据：已批准',
        created_at: now,
        decided_at: now,
      });
      await createGrant(trx, { consumer_id: consumerId, resource_code: code, application_id: Number(id), items, masked_items: [], expires_at: null });
    });
    added++;
  }
  return added;
}
