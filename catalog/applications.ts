/**
 * Access applications (共享申请): a consumer asks for items of a published resource.
 * 无条件共享 is approved at once; 有条件共享 waits for the provider department; 不予共享
 * cannot be applied for. Approval creates the grant in the same transaction.
 */
import type { Db } from '../core/db';
import { ApiError } from '../core/result-codes';
import type { Principal } from './principal';
import { requireRole } from './principal';
import { findConsumer } from './consumers';
import { createGrant, DEFAULT_GRANT_DAYS } from './grants';
import { codesProvidedBy, publishedVersion, ResourceVersion } from './resources';
import { schemaErrors, ValidationFailed } from './validation';

export interface ApplicationBody {
  resource_code: string;
  items: string[];
  scenario: string; // 应用场景
  frequency: string; // 使用频率
  system_name: string; // 应用系统名称
  system_network?: string;
}

export interface Application {
  id: number;
  consumer_id: string;
  resource_code: string;
  body: ApplicationBody;
  status: 'pending' | 'approved' | 'rejected';
  decision_note: string | null;
  created_at: number;
  decided_at: number | null;
  grant_id?: number | null;
}

interface AppRow {
  id: number;
  consumer_id: string;
  resource_code: string;
  body: string;
  status: Application['status'];
  decision_note: string | null;
  created_at: number | string;
  decided_at: number | string | null;
}

function toApplication(r: AppRow): Application {
  return {
    id: Number(r.id),
    consumer_id: r.consumer_id,
    resource_code: r.resource_code,
    body: JSON.parse(r.body) as ApplicationBody,
    status: r.status,
    decision_note: r.decision_note,
    created_at: Number(r.created_at),
    decided_at: r.decided_at === null ? null : Number(r.decided_at),
  };
}

const DAY = 86400000;

/** Sensitive items are granted masked unless the provider decides otherwise. */
function defaultMasked(resource: ResourceVersion, items: string[]): string[] {
  return resource.registration.items.filter((i) => i.sensitive && items.includes(i.field)).map((i) => i.field);
}

export async function apply(db: Db, p: Principal, body: unknown): Promise<Application> {
  requireRole(p, 'consumer');
  const errs = schemaErrors('application', body);
  if (errs.length > 0) throw new ValidationFailed('共享申请', errs);
  const a = body as ApplicationBody;
  const consumer = await findConsumer(db, p.sub);
  if (!consumer || consumer.disabled) throw new ApiError('FORBIDDEN', '调用方不存在或已停用');
  const resource = await publishedVersion(db, a.resource_code);
  if (!resource) throw new ApiError('NOT_FOUND', `资源 ${a.resource_code} 不存在或未发布`, 'resource_code');
  if (resource.registration.share_type === '3') throw new ApiError('FORBIDDEN', '不予共享的资源不能申请', 'resource_code');
  const known = new Set(resource.registration.items.map((i) => i.field));
  const unknown = a.items.map((f, i) => ({ f, i })).filter(({ f }) => !known.has(f));
  if (unknown.length > 0) throw new ValidationFailed('共享申请', unknown.map(({ f, i }) => ({ field: `items.${i}`, reason: `资源中没有信息项 ${f}` })));

  const auto = resource.registration.share_type === '1';
  const now = Date.now();
  return db.transaction(async (trx) => {
    const [id] = await trx('applications').insert({
      consumer_id: p.sub,
      resource_code: a.resource_code,
      body: JSON.stringify(a),
      status: auto ? 'approved' : 'pending',
      decision_note: auto ? '无条件共享，自动批准' : null,
      created_at: now,
      decided_at: auto ? now : null,
    });
    let grantId: number | null = null;
    if (auto) {
      grantId = await createGrant(trx, {
        consumer_id: p.sub, resource_code: a.resource_code, application_id: Number(id), items: a.items,
        masked_items: defaultMasked(resource, a.items), expires_at: now + DEFAULT_GRANT_DAYS * DAY,
      });
    }
    const row = (await trx('applications').where({ id: Number(id) }).first()) as AppRow;
    return { ...toApplication(row), grant_id: grantId };
  });
}

export interface Decision {
  approve: boolean;
  note?: string;
  masked_items?: string[];
  expires_in_days?: number;
}

function parseDecision(body: unknown): Decision {
  const b = (body ?? {}) as Record<string, unknown>;
  const errs: Array<{ field: string; reason: string }> = [];
  if (typeof b.approve !== 'boolean') errs.push({ field: 'approve', reason: '是否批准应为 true 或 false' });
  if (b.note !== undefined && (typeof b.note !== 'string' || b.note.length > 500)) errs.push({ field: 'note', reason: '意见应为不超过 500 个字符的文本' });
  if (b.approve === false && (typeof b.note !== 'string' || b.note.trim().length < 2)) errs.push({ field: 'note', reason: '不予批准须说明理由' });
  if (b.masked_items !== undefined && (!Array.isArray(b.masked_items) || b.masked_items.some((m) => typeof m !== 'string'))) errs.push({ field: 'masked_items', reason: '脱敏信息项应为字段名列表' });
  if (b.expires_in_days !== undefined && (!Number.isInteger(b.expires_in_days) || (b.expires_in_days as number) < 1 || (b.expires_in_days as number) > 3650)) errs.push({ field: 'expires_in_days', reason: '有效天数应为 1 至 3650 的整数' });
  if (errs.length > 0) throw new ValidationFailed('审批意见', errs);
  return b as unknown as Decision;
}

/** The provider department decides a pending application. */
export async function decide(db: Db, p: Principal, id: number, body: unknown): Promise<Application> {
  requireRole(p, 'department');
  const d = parseDecision(body);
  return db.transaction(async (trx) => {
    const row = (await trx('applications').where({ id }).first()) as AppRow | undefined;
    if (!row) throw new ApiError('NOT_FOUND', `申请 ${id} 不存在`, 'id');
    const app = toApplication(row);
    const resource = await publishedVersion(trx, app.resource_code);
    if (!resource) throw new ApiError('BAD_PARAM', `资源 ${app.resource_code} 已停用`, 'resource_code');
    if (resource.registration.provider_code !== p.dept) throw new ApiError('FORBIDDEN', '只有资源提供部门可以审批');
    if (app.status !== 'pending') throw new ApiError('BAD_PARAM', '申请已审批', 'id');
    const now = Date.now();
    const n = await trx('applications').where({ id, status: 'pending' }).update({ status: d.approve ? 'approved' : 'rejected', decision_note: d.note ?? null, decided_at: now });
    if (n !== 1) throw new ApiError('BAD_PARAM', '申请已审批', 'id');
    let grantId: number | null = null;
    if (d.approve) {
      grantId = await createGrant(trx, {
        consumer_id: app.consumer_id, resource_code: app.resource_code, application_id: id, items: app.body.items,
        masked_items: d.masked_items ?? defaultMasked(resource, app.body.items),
        expires_at: now + (d.expires_in_days ?? DEFAULT_GRANT_DAYS) * DAY,
      });
    }
    return { ...toApplication((await trx('applications').where({ id }).first()) as AppRow), grant_id: grantId };
  });
}

/** Operator: all; consumer: its own; department: those on its resources. */
export async function listApplications(db: Db, p: Principal): Promise<Application[]> {
  requireRole(p, 'operator', 'consumer', 'department');
  const q = db('applications').orderBy('id');
  if (p.role === 'consumer') q.where('consumer_id', p.sub);
  if (p.role === 'department') q.whereIn('resource_code', codesProvidedBy(db, p.dept));
  return ((await q) as AppRow[]).map(toApplication);
}
