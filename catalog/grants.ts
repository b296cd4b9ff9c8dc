/**
 * Grants: which items of a resource a consumer may receive, which of them masked, until when.
 * A grant is never edited: it is created from an approved application and may be revoked.
 */
import type { Knex } from 'knex';
import type { Db } from '../core/db';
import { ApiError } from '../core/result-codes';
import type { Principal } from './principal';
import { requireRole } from './principal';
import { codesProvidedBy, isProvidedBy } from './resources';
import { changingAccess } from './access-version';

export interface Grant {
  id: number;
  consumer_id: string;
  resource_code: string;
  application_id: number | null;
  items: string[];
  masked_items: string[];
  expires_at: number | null;
  revoked_at: number | null;
  created_at: number;
}

interface GrantRow {
  id: number;
  consumer_id: string;
  resource_code: string;
  application_id: number | null;
  items: string;
  masked_items: string;
  expires_at: number | string | null;
  revoked_at: number | string | null;
  created_at: number | string;
}

const num = (v: number | string | null) => (v === null ? null : Number(v));

function toGrant(r: GrantRow): Grant {
  return {
    id: Number(r.id),
    consumer_id: r.consumer_id,
    resource_code: r.resource_code,
    application_id: r.application_id === null ? null : Number(r.application_id),
    items: JSON.parse(r.items) as string[],
    masked_items: JSON.parse(r.masked_items) as string[],
    expires_at: num(r.expires_at),
    revoked_at: num(r.revoked_at),
    created_at: Number(r.created_at),
  };
}

export const DEFAULT_GRANT_DAYS = 365;

export async function createGrant(
  trx: Db | Knex,
  g: { consumer_id: string; resource_code: string; application_id: number | null; items: string[]; masked_items: string[]; expires_at: number | null },
): Promise<number> {
  const [id] = await changingAccess(trx, (t) =>
    t('grants').insert({
      ...g,
      items: JSON.stringify(g.items),
      masked_items: JSON.stringify(g.masked_items.filter((m) => g.items.includes(m))),
      revoked_at: null,
      created_at: Date.now(),
    }),
  );
  return Number(id);
}

/**
 * The one rule of a grant in force: not revoked and not past its expiry. SQL over the grants
 * table aliased `g`, with one bound value (now), so the lookups' hand-written query
 * (catalog/access.ts), the listings and allowedMethods all apply the same rule.
 */
export const GRANT_IN_FORCE_SQL = '`g`.`revoked_at` is null and (`g`.`expires_at` is null or `g`.`expires_at` > ?)';

/** Grants in force now on one resource (the lookups read theirs through resolveAccess). */
export async function activeGrants(db: Db | Knex, consumerId: string, resourceCode: string, now = Date.now()): Promise<Grant[]> {
  const rows = (await db('grants as g')
    .select('g.*')
    .where({ 'g.consumer_id': consumerId, 'g.resource_code': resourceCode })
    .whereRaw(GRANT_IN_FORCE_SQL, [now])) as GrantRow[];
  return rows.map(toGrant);
}

/** Every grant in force now, of every consumer (what the 事项 coverage counts). */
export async function grantsInForce(db: Db | Knex, now = Date.now()): Promise<Grant[]> {
  const rows = (await db('grants as g').select('g.*').whereRaw(GRANT_IN_FORCE_SQL, [now]).orderBy('g.id')) as GrantRow[];
  return rows.map(toGrant);
}

export async function getGrant(db: Db, id: number): Promise<Grant | null> {
  const row = (await db('grants').where({ id }).first()) as GrantRow | undefined;
  return row ? toGrant(row) : null;
}

/** Operator sees all; a consumer its own; a department the grants on its resources. */
export async function listGrants(db: Db, p: Principal): Promise<Grant[]> {
  requireRole(p, 'operator', 'consumer', 'department');
  const q = db('grants as g').select('g.*').orderBy('g.id');
  if (p.role === 'consumer') q.where('g.consumer_id', p.sub);
  if (p.role === 'department') q.whereIn('g.resource_code', codesProvidedBy(db, p.dept));
  return ((await q) as GrantRow[]).map(toGrant);
}

/** Operator or the provider department. Takes effect on the consumer's next call. */
export async function revokeGrant(db: Db, p: Principal, id: number): Promise<Grant> {
  requireRole(p, 'operator', 'department');
  const g = await getGrant(db, id);
  if (!g) throw new ApiError('NOT_FOUND', `授权 ${id} 不存在`, 'id');
  if (p.role === 'department') {
    if (!(await isProvidedBy(db, g.resource_code, p.dept))) throw new ApiError('FORBIDDEN', '只能撤销本部门资源的授权');
  }
  if (g.revoked_at === null) await changingAccess(db, (t) => t('grants').where({ id }).whereNull('revoked_at').update({ revoked_at: Date.now() }));
  return (await getGrant(db, id))!;
}
