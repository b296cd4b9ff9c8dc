/**
 * The life of a resource: a department registers and edits drafts of its own resources; the
 * operator publishes or rejects them; a published resource is revised (a new version, the
 * old one stays readable) or retired. Every rule about who may do what is here. Publishing
 * builds the resource's library (catalog/libraries.ts).
 */
import type { Knex } from 'knex';
import type { Db } from '../core/db';
import { ApiError } from '../core/result-codes';
import { isUniqueViolation } from '../core/db-errors';
import type { Principal } from './principal';
import { requireRole } from './principal';
import { validateRegistration } from './registration';
import {
  getVersion, insertVersion, PUBLIC_STATUSES, Registration, replaceRegistration, resourceExists, ResourceVersion, setStatus, supersedePublished, versionsOf,
} from './resources';
import { ValidationFailed } from './validation';
import { changingAccess } from './access-version';
import { reindexResource } from './search-index';
import { assertNoLibraryChange, buildLibraryTable, libraryOfResource, recordLibrary, retireLibrary } from './libraries';

const OPEN_DRAFT = ['draft', 'rejected'];

function ownsOrOperates(p: Principal, providerCode: string): boolean {
  return p.role === 'operator' || (p.role === 'department' && p.dept === providerCode);
}

function notFound(code: string): ApiError {
  return new ApiError('NOT_FOUND', `资源 ${code} 不存在`, 'code');
}

/** Versions the principal may read: public ones for everybody, drafts for their department and the operator. */
export async function readableVersions(db: Db, p: Principal, code: string): Promise<ResourceVersion[]> {
  const all = await versionsOf(db, code);
  return all.filter((v) => PUBLIC_STATUSES.includes(v.status) || ownsOrOperates(p, v.registration.provider_code));
}

/** The version to show: the one asked for, else the published one, else the newest readable. */
export async function showVersion(db: Db, p: Principal, code: string, version?: number): Promise<ResourceVersion> {
  const readable = await readableVersions(db, p, code);
  if (version !== undefined) {
    const v = readable.find((x) => x.version === version);
    if (!v) throw new ApiError('NOT_FOUND', `资源 ${code} 没有版本 ${version}`, 'version');
    return v;
  }
  const v = readable.find((x) => x.status === 'published') ?? readable[readable.length - 1];
  if (!v) throw notFound(code);
  return v;
}

function assertProvider(p: Principal, reg: Registration): void {
  if (p.role === 'department' && reg.provider_code !== p.dept) {
    throw new ValidationFailed('资源登记', [{ field: 'provider_code', reason: `只能登记本部门（${p.dept}）的资源` }]);
  }
}

export async function register(db: Db, p: Principal, body: unknown): Promise<ResourceVersion> {
  requireRole(p, 'department', 'operator');
  const reg = await validateRegistration(db, body);
  assertProvider(p, reg);
  return db.transaction(async (trx) => {
    const taken = () => new ValidationFailed('资源登记', [{ field: 'code', reason: `资源代码 ${reg.code} 已存在` }]);
    if (await resourceExists(trx, reg.code)) throw taken();
    await insertVersion(trx, reg, 1, 'draft', Date.now()).catch((err: unknown) => {
      throw isUniqueViolation(err) ? taken() : err; // a concurrent registration of the same code won
    });
    return (await getVersion(trx, reg.code, 1))!;
  });
}

async function openDraft(trx: Knex, code: string): Promise<ResourceVersion | null> {
  const versions = await versionsOf(trx, code);
  return versions.find((v) => OPEN_DRAFT.includes(v.status)) ?? null;
}

export async function editDraft(db: Db, p: Principal, code: string, body: unknown): Promise<ResourceVersion> {
  requireRole(p, 'department', 'operator');
  const reg = await validateRegistration(db, body);
  if (reg.code !== code) throw new ValidationFailed('资源登记', [{ field: 'code', reason: `资源代码不能修改（应为 ${code}）` }]);
  return db.transaction(async (trx) => {
    const draft = await openDraft(trx, code);
    if (!draft) {
      if ((await versionsOf(trx, code)).length === 0) throw notFound(code);
      throw new ApiError('BAD_PARAM', '没有可编辑的草稿，请先修订', 'code');
    }
    if (!ownsOrOperates(p, draft.registration.provider_code)) throw new ApiError('FORBIDDEN', '只能编辑本部门的资源');
    if (reg.provider_code !== draft.registration.provider_code) {
      throw new ValidationFailed('资源登记', [{ field: 'provider_code', reason: '提供方不能修改' }]);
    }
    await replaceRegistration(trx, draft.id, reg, 'draft', Date.now());
    return (await getVersion(trx, code, draft.version))!;
  });
}

/** Operator: the open draft becomes the published version; the previous one is superseded. */
export async function publish(db: Db, p: Principal, code: string): Promise<ResourceVersion> {
  requireRole(p, 'operator');
  // the library's table first, outside the transaction (MariaDB commits one at any DDL); it
  // only ever grows, so a publication that fails below leaves nothing wrong behind
  const pending = await openDraft(db, code);
  if (pending?.status === 'draft') {
    assertNoLibraryChange(await libraryOfResource(db, code), pending.registration);
    await buildLibraryTable(db, pending.registration);
  }
  return db.transaction(async (trx) => {
    const draft = await openDraft(trx, code);
    if (!draft || draft.status !== 'draft') throw new ApiError('BAD_PARAM', `资源 ${code} 没有待发布的草稿`, 'code');
    const now = Date.now();
    assertNoLibraryChange(await libraryOfResource(trx, code), draft.registration);
    if (draft.id !== pending?.id || draft.updated_at !== pending.updated_at) await buildLibraryTable(trx, draft.registration); // edited meanwhile
    await recordLibrary(trx, draft.registration, now);
    await supersedePublished(trx, code, now);
    await setStatus(trx, draft.id, 'published', { published_at: now, review_note: null });
    const ifaces = draft.registration.interfaces ?? [];
    const methods = ifaces.map((i) => i.method);
    // which resource a method reaches decides access
    await changingAccess(trx, async (t) => {
      const stale = t('interfaces').where({ resource_code: code });
      await (methods.length > 0 ? stale.whereNotIn('method', methods) : stale).delete();
      for (const f of ifaces) {
        await t('interfaces')
          .insert({ method: f.method, resource_code: code, name: f.name, function: f.function, network: f.network ?? '政务外网（行政服务域）', remark: f.remark ?? null })
          .onConflict('method')
          .merge(['resource_code', 'name', 'function', 'network', 'remark']);
      }
    });
    await reindexResource(trx, code);
    return (await getVersion(trx, code, draft.version))!;
  });
}

export async function reject(db: Db, p: Principal, code: string, reason: unknown): Promise<ResourceVersion> {
  requireRole(p, 'operator');
  if (typeof reason !== 'string' || reason.trim().length < 2) throw new ApiError('BAD_PARAM', '驳回须说明理由（至少 2 个字符）', 'reason');
  return db.transaction(async (trx) => {
    const draft = await openDraft(trx, code);
    if (!draft || draft.status !== 'draft') throw new ApiError('BAD_PARAM', `资源 ${code} 没有待审核的草稿`, 'code');
    await setStatus(trx, draft.id, 'rejected', { review_note: reason.trim() });
    return (await getVersion(trx, code, draft.version))!;
  });
}

/** A new draft version of a published resource; with no body it starts as a copy. */
export async function revise(db: Db, p: Principal, code: string, body?: unknown): Promise<ResourceVersion> {
  requireRole(p, 'department', 'operator');
  const hasBody = body !== undefined && body !== null && !(typeof body === 'object' && Object.keys(body as object).length === 0);
  const reg = hasBody ? await validateRegistration(db, body) : null;
  return db.transaction(async (trx) => {
    const versions = await versionsOf(trx, code);
    const current = versions.find((v) => v.status === 'published');
    if (!current) throw versions.length === 0 ? notFound(code) : new ApiError('BAD_PARAM', `资源 ${code} 没有已发布的版本`, 'code');
    if (!ownsOrOperates(p, current.registration.provider_code)) throw new ApiError('FORBIDDEN', '只能修订本部门的资源');
    if (versions.some((v) => OPEN_DRAFT.includes(v.status))) throw new ApiError('BAD_PARAM', `资源 ${code} 已有未发布的草稿`, 'code');
    const next = reg ?? current.registration;
    if (next.code !== code) throw new ValidationFailed('资源登记', [{ field: 'code', reason: `资源代码不能修改（应为 ${code}）` }]);
    if (next.provider_code !== current.registration.provider_code) throw new ValidationFailed('资源登记', [{ field: 'provider_code', reason: '提供方不能修改' }]);
    const version = versions[versions.length - 1].version + 1;
    await insertVersion(trx, next, version, 'draft', Date.now()).catch((err: unknown) => {
      throw isUniqueViolation(err) ? new ApiError('BAD_PARAM', `资源 ${code} 已有未发布的草稿`, 'code') : err; // a concurrent revision won
    });
    return (await getVersion(trx, code, version))!;
  });
}

export async function retire(db: Db, p: Principal, code: string, reason: unknown): Promise<ResourceVersion> {
  requireRole(p, 'department', 'operator');
  return db.transaction(async (trx) => {
    const versions = await versionsOf(trx, code);
    const current = versions.find((v) => v.status === 'published');
    if (!current) throw versions.length === 0 ? notFound(code) : new ApiError('BAD_PARAM', `资源 ${code} 没有已发布的版本`, 'code');
    if (!ownsOrOperates(p, current.registration.provider_code)) throw new ApiError('FORBIDDEN', '只能停用本部门的资源');
    await setStatus(trx, current.id, 'retired', { review_note: typeof reason === 'string' && reason.trim() ? reason.trim() : null });
    await retireLibrary(trx, code);
    await reindexResource(trx, code);
    return (await getVersion(trx, code, current.version))!;
  });
}
