/**
 * The authorisation contract between the lookups and the catalogue: what one consumer may
 * receive from one lookup method. The lookups ask for it on every call, through the
 * per-process cache of catalog/access-cache.ts, which holds a decision only while the access
 * version stands (so disabling a consumer or revoking a grant applies to the next call), and
 * then project each record to `items`, masking `masked`.
 *
 * Rule: method → its interface's resource (published) → the consumer's grants in force on
 * that resource → the union of their items; an item is masked unless some grant gives it
 * unmasked. No grant, no access. Grants always decide: the return fields an interface
 * declares describe its answer and never widen it (a department revising its resource must
 * not hand every grantee the whole record). A verification answers with a verdict instead of
 * items and needs a grant of the items it compares (verificationRefusal).
 */
import type { Db } from '../core/db';
import { selectRows } from '../core/dialect';
import { GRANT_IN_FORCE_SQL } from './grants';
import { PUBLISHED_RESOURCE_OF_METHOD_TABLE, registrationOfRow, type Registration } from './resources';

export interface Access {
  method: string;
  /** field names (e.g. GMSFZH) the consumer may receive, in the resource's item order */
  items: string[];
  /** field names that leave the gateway masked */
  masked: string[];
}

export type AccessResult = { ok: true; access: Access } | { ok: false; reason: string };

/**
 * Parsed registrations by resource row and its last change (also how the generic lookups read their declaration). A published row's body does not
 * change (a revision is a new row), so parsing it once per process is safe; the grants and the
 * consumer, which do change, are read on every call.
 */
const registrations = new Map<string, Registration>();
const REGISTRATION_CACHE_MAX = 1000;

export async function registrationOf(db: Db, id: number, updatedAt: number): Promise<Registration | null> {
  const key = `${id}:${updatedAt}`;
  let reg = registrations.get(key);
  if (!reg) {
    reg = (await registrationOfRow(db, id)) ?? undefined;
    if (!reg) return null;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound of a cache: only memory and speed differ
    if (registrations.size >= REGISTRATION_CACHE_MAX) registrations.clear();
    registrations.set(key, reg);
  }
  return reg;
}

interface ConsumerGrantRow {
  disabled: number | boolean;
  resource_id: number | null;
  resource_updated_at: number | null;
  items: string | null;
  masked_items: string | null;
  expires_at: number | string | null;
}

// portable SQL (see selectRows), one statement because this runs on every lookup: the consumer,
// the method's published resource (null columns when there is none) and the consumer's grants
// in force on it (none: one row with null items)
const CONSUMER_RESOURCE_GRANTS =
  'select c.`disabled`, r.`id` as `resource_id`, r.`updated_at` as `resource_updated_at`, g.`items`, g.`masked_items`, g.`expires_at` ' +
  `from \`consumers\` c left join ${PUBLISHED_RESOURCE_OF_METHOD_TABLE} r on 1 = 1 ` +
  `left join \`grants\` g on g.\`consumer_id\` = c.\`id\` and g.\`resource_code\` = r.\`code\` and ${GRANT_IN_FORCE_SQL} where c.\`id\` = ?`;

/** A decision, and until when it holds unless the catalogue changes: the first expiry of a grant it rests on. */
export interface AccessDecision {
  result: AccessResult;
  until: number;
}

export async function decideAccess(db: Db, consumerId: string, method: string, now = Date.now()): Promise<AccessDecision> {
  const rows = await selectRows<ConsumerGrantRow>(db, CONSUMER_RESOURCE_GRANTS, [method, now, consumerId]);
  const refused = (reason: string): AccessDecision => ({ result: { ok: false, reason }, until: Infinity });
  if (rows.length === 0 || Boolean(rows[0].disabled)) return refused('调用方不存在或已停用');
  const resource = rows[0];
  if (resource.resource_id === null) return refused(`接口 ${method} 未在目录中登记或所属资源未发布`);
  const inForce = rows.filter((r) => r.items !== null);
  const grants = inForce.map((r) => ({ items: JSON.parse(r.items!) as string[], masked: JSON.parse(r.masked_items ?? '[]') as string[] }));
  // Stryker disable next-line ConditionalExpression: an early exit: without grants no item is granted, refused the same way below
  if (grants.length === 0) return refused(`未获授权调用 ${method}`);
  const registration = await registrationOf(db, Number(resource.resource_id), Number(resource.resource_updated_at));
  if (!registration) return refused(`接口 ${method} 所属资源未发布或已停用`);

  const granted = new Set(grants.flatMap((g) => g.items));
  const unmasked = new Set(grants.flatMap((g) => g.items.filter((i) => !g.masked.includes(i))));
  // in the resource's item order, so projections are stable
  const items = registration.items.map((i) => i.field).filter((f) => granted.has(f));
  if (items.length === 0) return refused(`未获授权调用 ${method}`);
  const until = Math.min(...inForce.map((r) => (r.expires_at === null ? Infinity : Number(r.expires_at))));
  return { result: { ok: true, access: { method, items, masked: items.filter((f) => !unmasked.has(f)) } }, until };
}

export async function resolveAccess(db: Db, consumerId: string, method: string, now = Date.now()): Promise<AccessResult> {
  return (await decideAccess(db, consumerId, method, now)).result;
}

/**
 * A verification (核验) answers 一致 / 不一致 / 查无此人, which tells the caller whether a name
 * belongs to a number: without its own grant it would be an oracle for who exists and what
 * they are called. It needs every item it compares granted, and unmasked (a masked item would
 * be unmasked by trying candidates). Returns why it is refused, or null.
 */
export function verificationRefusal(access: Access, compared: readonly string[]): string | null {
  const missing = compared.filter((f) => !access.items.includes(f) || access.masked.includes(f));
  return missing.length === 0 ? null : `未获授权调用 ${access.method}：核验须获授权比对的信息项 ${missing.join('、')}（不脱敏）`;
}
