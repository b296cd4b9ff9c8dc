/**
 * Metaservices in X-Road's spirit: listMethods (every interface of a published resource) and
 * allowedMethods (those the calling consumer holds a grant in force for).
 */
import type { Db } from '../core/db';
import { GRANT_IN_FORCE_SQL } from './grants';
import { publishedInterfaces } from './resources';

export interface MethodInfo {
  method: string;
  name: string;
  function: string | null;
  network: string;
  resource_code: string;
  resource_name: string;
  provider_code: string;
  share_type: string;
}

export async function listMethods(db: Db): Promise<MethodInfo[]> {
  return publishedInterfaces(db);
}

export async function allowedMethods(db: Db, consumerId: string, now = Date.now()): Promise<MethodInfo[]> {
  const codes = new Set(
    ((await db('grants as g')
      .where('g.consumer_id', consumerId)
      .whereRaw(GRANT_IN_FORCE_SQL, [now])
      .distinct('g.resource_code as resource_code')) as Array<{ resource_code: string }>).map((r) => r.resource_code),
  );
  return (await listMethods(db)).filter((m) => codes.has(m.resource_code));
}
