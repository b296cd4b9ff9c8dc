/**
 * The authorisation contract between the lookups and the catalogue: what one consumer may
 * receive from one lookup method. The lookups call resolveAccess on every call (so disabling
 * a consumer or revoking a grant applies to the next call) and then project each record to
 * `items`, masking `masked`.
 *
 * Current rule (foundation): a consumer may call the methods listed on its consumers row and
 * receives every item. The catalogue replaces this with grants (resource items per consumer).
 */
import type { Db } from '../gateway/store/db';
import { findConsumer } from './consumers';

export interface Access {
  method: string;
  /** field names (e.g. GMSFZH) the consumer may receive; null = every item of the method */
  items: string[] | null;
  /** field names that leave the gateway masked */
  masked: string[];
}

export type AccessResult = { ok: true; access: Access } | { ok: false; reason: string };

export async function resolveAccess(db: Db, consumerId: string, method: string): Promise<AccessResult> {
  const consumer = await findConsumer(db, consumerId);
  if (!consumer || consumer.disabled) return { ok: false, reason: '调用方不存在或已停用' };
  if (!consumer.methods.includes(method)) return { ok: false, reason: `未获授权调用 ${method}` };
  return { ok: true, access: { method, items: null, masked: [] } };
}
