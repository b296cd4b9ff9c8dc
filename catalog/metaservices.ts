/**
 * Metaservices in X-Road's spirit: listMethods (every interface of a published resource) and
 * allowedMethods (those the calling consumer holds a grant in force for). Each method says
 * whether it can be called: 已接入 once its library has completed a full sync run, 待接入
 * before (no data path, no promise — a call answers 503 数据尚未接入; applications may still
 * be filed).
 */
import type { Db } from '../core/db';
import { GRANT_IN_FORCE_SQL } from './grants';
import { connectedResourceCodes } from './libraries';
import { publishedInterfaces } from './resources';

export type MethodState = '已接入' | '待接入';

export interface MethodInfo {
  method: string;
  name: string;
  function: string | null;
  network: string;
  resource_code: string;
  resource_name: string;
  provider_code: string;
  share_type: string;
  state: MethodState;
}

export async function listMethods(db: Db): Promise<MethodInfo[]> {
  const methods = await publishedInterfaces(db);
  const connected = await connectedResourceCodes(db);
  return methods.map((m) => ({ ...m, state: connected.has(m.resource_code) ? '已接入' : '待接入' }));
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
