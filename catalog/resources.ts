/**
 * Repository of resource versions (政务信息资源) and their items. The registration is kept
 * whole as JSON; the columns the catalogue filters on are copied out of it on write.
 */
import type { Knex } from 'knex';
import type { Db } from '../core/db';
import { ApiError } from '../core/result-codes';
import { batchRowsFor, selectRows } from '../core/dialect';
import { changingAccess } from './access-version';
import type { DataType } from '../core/registry';

export type { DataType };
export type ShareType = '1' | '2' | '3';
export type Status = 'draft' | 'published' | 'rejected' | 'retired' | 'superseded';

export interface ResourceItem {
  field: string;
  name: string;
  data_type: DataType;
  length?: number;
  sensitive: boolean;
  /** the column type in the provider's database (VARCHAR2 …), shown in interface documents */
  db_type?: string;
  description?: string;
}

export interface InterfaceParam {
  name: string;
  description: string;
  data_type: string;
  requirement?: string;
}

export interface InterfaceField {
  field: string;
  name: string;
  db_type: string;
  requirement?: string;
}

/** How a query parameter's value is checked before any query (gateway/lookups/validation.ts applies it). */
export type QueryCheck = '公民身份号码' | '统一社会信用代码' | '持证主体代码' | '日期' | '代码';

/** One query parameter of a generic lookup: the item it matches, exactly. */
export interface QueryParam {
  name: string;
  /** the resource's item (field name) the parameter is compared with */
  item: string;
  match?: 'exact';
  required?: boolean;
  check?: QueryCheck;
  date_format?: 'YYYYMMDD' | 'YYYY-MM-DD';
  code_list?: 'GB/T 2261.1' | 'GB/T 3304';
  codes?: string[];
}

/**
 * What a generic lookup is asked by: its parameters, and groups of which exactly one must be
 * given whole (e.g. [["gmsfzh"], ["tyshxydm"]]). A parameter in no group and not required
 * only narrows.
 */
export interface QueryDeclaration {
  params: QueryParam[];
  one_of?: string[][];
}

export interface InterfaceSpec {
  method: string;
  name: string;
  function: string;
  network?: string;
  remark?: string;
  params?: InterfaceParam[];
  /** response fields when they are not the resource's items (e.g. a verification result) */
  fields?: InterfaceField[];
  /** a generic lookup over the resource's library (the six methods of 附件3 have none) */
  query?: QueryDeclaration;
}

/**
 * The library (table) of a resource shared by 接口 or 库表: its key (the item that names a
 * record; one item for now), the items unique among live records, and the items every record
 * must have besides the key (the sync job mapping them creates the records).
 */
export interface LibraryDeclaration {
  key: string[];
  unique?: string[];
  required?: string[];
}

export interface Registration {
  code: string;
  name: string;
  category: '基础' | '主题' | '部门';
  classification: { lei: string; xiang: string; mu?: string; ximu?: string };
  provider_code: string;
  summary: string;
  format: string;
  items: ResourceItem[];
  share_type: ShareType;
  share_condition?: string;
  no_share_basis?: string;
  share_mode: '库表' | '接口' | '文件';
  open_type: string;
  open_condition?: string;
  update_cycle: string;
  release_date?: string;
  related_codes?: string[];
  /** required when share_mode is 接口 or 库表 */
  library?: LibraryDeclaration;
  interfaces?: InterfaceSpec[];
}

export interface ResourceVersion {
  id: number;
  code: string;
  version: number;
  status: Status;
  registration: Registration;
  review_note: string | null;
  published_at: number | null;
  created_at: number;
  updated_at: number;
}

export const SHARE_TYPE_NAMES: Record<ShareType, string> = { '1': '无条件共享', '2': '有条件共享', '3': '不予共享' };

/** Statuses anyone may read; drafts and rejected drafts belong to their department and the operator. */
export const PUBLIC_STATUSES: Status[] = ['published', 'superseded', 'retired'];

interface ResourceRow {
  id: number;
  code: string;
  version: number;
  status: Status;
  body: string;
  review_note: string | null;
  published_at: number | string | null;
  created_at: number | string;
  updated_at: number | string;
}

const num = (v: number | string | null): number | null => (v === null || v === undefined ? null : Number(v));

function toVersion(row: ResourceRow): ResourceVersion {
  return {
    id: Number(row.id),
    code: row.code,
    version: Number(row.version),
    status: row.status,
    registration: JSON.parse(row.body) as Registration,
    review_note: row.review_note,
    published_at: num(row.published_at),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}

export function searchTextOf(reg: Registration): string {
  return [reg.code, reg.name, reg.summary, ...reg.items.flatMap((i) => [i.field, i.name]), ...(reg.interfaces ?? []).map((i) => i.method)]
    .join(' ')
    .toLowerCase();
}

/** The registration's searchable metadata, as columns of resources and resource_search. */
export function facetColumnsOf(reg: Registration) {
  return {
    name: reg.name,
    provider_code: reg.provider_code,
    category: reg.category,
    share_type: reg.share_type,
    share_mode: reg.share_mode,
    update_cycle: reg.update_cycle,
  };
}

function columnsOf(reg: Registration) {
  return { ...facetColumnsOf(reg), summary: reg.summary, body: JSON.stringify(reg) };
}

async function writeItems(trx: Knex, resourceId: number, items: ResourceItem[]): Promise<void> {
  await trx('resource_items').where({ resource_id: resourceId }).delete();
  const rows = items.map((it, i) => ({
    resource_id: resourceId,
    position: i,
    field: it.field,
    name: it.name,
    data_type: it.data_type,
    length: it.length ?? null,
    sensitive: it.sensitive,
    description: it.description ?? null,
  }));
  const size = batchRowsFor(trx, 8);
  for (let i = 0; i < rows.length; i += size) await trx('resource_items').insert(rows.slice(i, i + size));
}

export async function insertVersion(trx: Knex, reg: Registration, version: number, status: Status, now: number): Promise<number> {
  const [id] = await changingAccess(trx, (t) => t('resources').insert({ code: reg.code, version, status, ...columnsOf(reg), review_note: null, published_at: null, created_at: now, updated_at: now }));
  await writeItems(trx, Number(id), reg.items);
  return Number(id);
}

export async function replaceRegistration(trx: Knex, id: number, reg: Registration, status: Status, now: number): Promise<void> {
  await changingAccess(trx, (t) => t('resources').where({ id }).update({ ...columnsOf(reg), status, review_note: null, updated_at: now }));
  await writeItems(trx, id, reg.items);
}

export async function setStatus(trx: Knex, id: number, status: Status, extra: { review_note?: string | null; published_at?: number | null } = {}): Promise<void> {
  await changingAccess(trx, (t) => t('resources').where({ id }).update({ status, ...extra, updated_at: Date.now() }));
}

export async function versionsOf(db: Db | Knex, code: string): Promise<ResourceVersion[]> {
  const rows = (await db('resources').where({ code }).orderBy('version', 'asc')) as ResourceRow[];
  return rows.map(toVersion);
}

export async function getVersion(db: Db | Knex, code: string, version: number): Promise<ResourceVersion | null> {
  const row = (await db('resources').where({ code, version }).first()) as ResourceRow | undefined;
  return row ? toVersion(row) : null;
}

/** The published version of a resource, if it has one. */
export async function publishedVersion(db: Db | Knex, code: string): Promise<ResourceVersion | null> {
  const row = (await db('resources').where({ code, status: 'published' }).first()) as ResourceRow | undefined;
  return row ? toVersion(row) : null;
}

/** Whether any version of the resource exists. */
export async function resourceExists(db: Db | Knex, code: string): Promise<boolean> {
  return Boolean(await db('resources').where({ code }).first('id'));
}

/** Marks the published version superseded (a new version is being published). */
export async function supersedePublished(trx: Knex, code: string, now: number): Promise<void> {
  await changingAccess(trx, (t) => t('resources').where({ code, status: 'published' }).update({ status: 'superseded', updated_at: now }));
}

/** Whether some version of the resource is provided by the department. */
export async function isProvidedBy(db: Db | Knex, code: string, dept: string): Promise<boolean> {
  return Boolean(await db('resources').where({ code, provider_code: dept }).first('id'));
}

/** The department providing the newest version of a resource. */
export async function providerOf(db: Db | Knex, code: string): Promise<string | null> {
  const row = (await db('resources').where({ code }).orderBy('version', 'desc').first('provider_code')) as { provider_code: string } | undefined;
  return row?.provider_code ?? null;
}

/** Codes of the resources with a draft waiting for review, oldest change first. */
export async function draftCodes(db: Db | Knex): Promise<string[]> {
  return ((await db('resources').where({ status: 'draft' }).orderBy('updated_at').select('code')) as Array<{ code: string }>).map((r) => r.code);
}

// portable SQL (see selectRows): this runs on every lookup
const PUBLISHED_RESOURCE_OF_METHOD =
  'select r.`id`, r.`code`, r.`updated_at` from `interfaces` i join `resources` r on r.`code` = i.`resource_code` and r.`status` = \'published\' where i.`method` = ? limit 1';

/**
 * The same as a derived table of at most one row (`id`, `code`, `updated_at`) with one bound
 * value, the method: for the lookups' access query (catalog/access.ts), which joins it to the
 * consumer and its grants in one statement.
 */
export const PUBLISHED_RESOURCE_OF_METHOD_TABLE = `(${PUBLISHED_RESOURCE_OF_METHOD})`;

/** The published resource whose interface declares the method (its row id and last change), if any. */
export async function publishedResourceOfMethod(db: Db, method: string): Promise<{ id: number; code: string; updated_at: number } | undefined> {
  const [row] = await selectRows<{ id: number; code: string; updated_at: number }>(db, PUBLISHED_RESOURCE_OF_METHOD, [method]);
  return row;
}

/** The registration stored in one resource row. */
export async function registrationOfRow(db: Db, id: number): Promise<Registration | null> {
  const row = (await db('resources').where({ id }).first('body')) as { body: string } | undefined;
  return row ? (JSON.parse(row.body) as Registration) : null;
}

/** The codes of the resources a department provides, as a subquery (for whereIn). */
export function codesProvidedBy(db: Db | Knex, dept: string): Knex.QueryBuilder {
  return db('resources').distinct('code').where('provider_code', dept);
}

/** Per provider: how many resources it has registered (any status) and how many are published now. */
export async function resourceCountsByProvider(db: Db | Knex): Promise<Map<string, { registered: number; published: number }>> {
  const rows = (await db('resources')
    .select('provider_code')
    .countDistinct({ registered: 'code' })
    .select(db.raw("count(distinct case when status = 'published' then code end) as published"))
    .groupBy('provider_code')) as Array<{ provider_code: string; registered: unknown; published: unknown }>;
  return new Map(rows.map((r) => [r.provider_code, { registered: Number(r.registered), published: Number(r.published) }]));
}

/** The published registration of every resource (or only those of one provider), by code. */
export async function publishedRegistrations(db: Db | Knex, provider?: string): Promise<Registration[]> {
  const q = db('resources').where({ status: 'published' }).orderBy('code').select('body');
  if (provider) q.where({ provider_code: provider });
  return ((await q) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as Registration);
}

/** Every published registration with its provider's name. */
export async function publishedWithProviders(db: Db | Knex): Promise<Array<{ reg: Registration; provider: string }>> {
  const rows = (await db('resources as r').leftJoin('departments as d', 'd.code', 'r.provider_code').where('r.status', 'published').select('r.body', 'd.name as provider')) as Array<{ body: string; provider: string | null }>;
  return rows.map((r) => ({ reg: JSON.parse(r.body) as Registration, provider: r.provider ?? '' }));
}

/** Every department, by code. */
export async function listDepartments(db: Db | Knex): Promise<Array<{ code: string; name: string; kind: string }>> {
  return db('departments').select('code', 'name', 'kind').orderBy('code');
}

/** Adds a unit the gazette does not list (区统计局, a 镇/街道 …); code and name must both be new. */
export async function addDepartment(db: Db | Knex, d: { code: string; name: string; kind: string }): Promise<{ code: string; name: string; kind: string }> {
  if (await db('departments').where({ code: d.code }).first('code')) throw new ApiError('BAD_PARAM', `部门代码 ${d.code} 已存在`, 'code');
  if (await db('departments').where({ name: d.name }).first('code')) throw new ApiError('BAD_PARAM', `部门 ${d.name} 已存在`, 'name');
  await db('departments').insert({ ...d, created_at: Date.now() });
  return d;
}

export async function departmentName(db: Db | Knex, code: string): Promise<string | null> {
  const row = (await db('departments').where({ code }).first('name')) as { name: string } | undefined;
  return row?.name ?? null;
}

/** Resource code → published version, for the interfaces of published resources. */
export async function publishedInterfaces(db: Db | Knex): Promise<Array<{ method: string; resource_code: string; name: string; function: string | null; network: string; resource_name: string; provider_code: string; share_type: ShareType }>> {
  return db('interfaces as i')
    .join('resources as r', function () {
      this.on('r.code', '=', 'i.resource_code').andOn('r.status', '=', db.raw('?', ['published']));
    })
    .orderBy('i.method')
    .select('i.method', 'i.resource_code', 'i.name', 'i.function', 'i.network', 'r.name as resource_name', 'r.provider_code', 'r.share_type');
}

/**
 * Each interface of a published resource with the resource row and its last change, by
 * method: a cheap fingerprint of what the published catalogue offers (the WebService rebuilds
 * its operations when it changes).
 */
export async function publishedInterfaceVersions(db: Db | Knex): Promise<Array<{ method: string; id: number; updated_at: number }>> {
  const rows = (await db('interfaces as i')
    .join('resources as r', function () {
      this.on('r.code', '=', 'i.resource_code').andOn('r.status', '=', db.raw('?', ['published']));
    })
    .orderBy('i.method')
    .select('i.method', 'r.id', 'r.updated_at')) as Array<{ method: string; id: number | string; updated_at: number | string }>;
  return rows.map((r) => ({ method: r.method, id: Number(r.id), updated_at: Number(r.updated_at) }));
}

/** The published interfaces' versions as one comparable string. */
export function interfacesFingerprint(versions: ReadonlyArray<{ method: string; id: number; updated_at: number }>): string {
  return versions.map((v) => `${v.method}@${v.id}:${v.updated_at}`).join(',');
}
