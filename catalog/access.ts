/**
 * The authorisation contract between the lookups and the catalogue: what one consumer may
 * receive from one lookup method. The lookups call resolveAccess on every call (so disabling
 * a consumer or revoking a grant applies to the next call) and then project each record to
 * `items`, masking `masked`.
 *
 * Rule: method → its interface's resource (published) → the consumer's grants in force on
 * that resource → the union of their items; an item is masked unless some grant gives it
 * unmasked. No grant, no access. A method that returns no resource items (a verification
 * result such as HYJG) needs a grant too, and then returns its own fields (items = null).
 */
import type { Db } from '../gateway/store/db';
import { findConsumer } from './consumers';
import { activeGrants } from './grants';
import { publishedVersion } from './resources';

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
  const iface = (await db('interfaces').where({ method }).first('resource_code')) as { resource_code: string } | undefined;
  if (!iface) return { ok: false, reason: `接口 ${method} 未在目录中登记` };
  const resource = await publishedVersion(db, iface.resource_code);
  if (!resource) return { ok: false, reason: `接口 ${method} 所属资源未发布或已停用` };
  const grants = await activeGrants(db, consumerId, iface.resource_code);
  if (grants.length === 0) return { ok: false, reason: `未获授权调用 ${method}` };

  const granted = new Set(grants.flatMap((g) => g.items));
  const unmasked = new Set(grants.flatMap((g) => g.items.filter((i) => !g.masked_items.includes(i))));
  const spec = resource.registration.interfaces?.find((i) => i.method === method);
  if (spec?.fields && spec.fields.length > 0) return { ok: true, access: { method, items: null, masked: [] } };
  // in the resource's item order, so projections are stable
  const items = resource.registration.items.map((i) => i.field).filter((f) => granted.has(f));
  if (items.length === 0) return { ok: false, reason: `未获授权调用 ${method}` };
  return { ok: true, access: { method, items, masked: items.filter((f) => !unmasked.has(f)) } };
}
