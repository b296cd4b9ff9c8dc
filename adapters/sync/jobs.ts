/**
 * Sync job definitions: validation (JSON Schema, then the checks a schema cannot express)
 * and their storage in sync_jobs. Invalid input gets one Chinese sentence naming the field.
 */
import cron from 'node-cron';
import type { Knex } from 'knex';
import { isMysqlDriver } from '../../core/dialect';
import { describeFieldError, lazyValidator, mostTellingError } from '../../core/validation';
import { syncJobSchema } from '../../schemas/sync-job.schema';
import { resolveTarget, TargetLibrary, targetColumnNames } from './targets';
import { mappedItems, ownershipConflict, ownsRecords } from '../verification/ownership';
import { withdrawSource } from '../verification/store';
import { confineSource, SourcePolicy } from '../sources';

export interface DbSource {
  client: 'mysql2' | 'better-sqlite3';
  connection: string | { filename: string };
  table?: string;
  query?: string;
  /** SYNC_PASSWORD_*: the environment variable holding the connection's password */
  passwordEnv?: string;
}
export interface CsvSource {
  csv: string;
  delimiter?: string;
}

export interface JobDefinition {
  id: string;
  description?: string;
  /** the department providing the source (ZCnnn): owner of the items the job maps */
  department?: string;
  /** authoritative (default): the job owns the items it maps (一数一源); verify: a 校核源 */
  role?: 'authoritative' | 'verify';
  enabled?: boolean;
  source: DbSource | CsvSource;
  /** the library: its table (population, lib_301010_00001) or resource:<资源代码> */
  target: string;
  /** source column → library column (an item's field in lower case) */
  columns: Record<string, string>;
  key: string | string[];
  updateTime?: string;
  deleteFlag?: { column: string; value: string | number | boolean };
  schedule?: { full?: string; incremental?: string };
  batchSize?: number;
  errorLimit?: { records?: number; percent?: number };
  throttle?: number;
  lookbackSeconds?: number;
  delaySeconds?: number;
}

/** A definition with defaults applied, as the engine uses it. */
export interface Job extends JobDefinition {
  /** the library's table, however the definition named it */
  target: string;
  library: TargetLibrary;
  keys: string[];
  batchSize: number;
  errorLimit: { records: number; percent: number };
  lookbackSeconds: number;
  delaySeconds: number;
}

export class JobDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobDefinitionError';
  }
}

export function isCsvSource(s: DbSource | CsvSource): s is CsvSource {
  return 'csv' in s;
}

const check = lazyValidator(syncJobSchema);

function checkShape(value: unknown): JobDefinition {
  if (!check(value)) {
    throw new JobDefinitionError(`同步任务定义无效：${describeFieldError(mostTellingError(check.errors))}`);
  }
  return value as unknown as JobDefinition;
}

/**
 * The library a definition's target names, from the catalogue. Unknown: refused, naming the
 * target (a resource must be published and shared by 接口 or 库表 to have one).
 */
export async function libraryOfJob(db: Knex, value: unknown): Promise<TargetLibrary> {
  const def = checkShape(value);
  const lib = await resolveTarget(db, def.target);
  if (!lib) throw new JobDefinitionError(`同步任务定义无效：字段 target 的库表 ${def.target} 不存在（资源须已发布，且共享方式为接口或库表）`);
  return lib;
}

/** Validates a parsed JSON value as a job definition into `library` and applies defaults. */
export function parseJob(value: unknown, library: TargetLibrary): Job {
  const def = checkShape(value);
  const target = library;
  const allowed = new Set(targetColumnNames(target));
  for (const [src, dst] of Object.entries(def.columns)) {
    if (!allowed.has(dst)) throw new JobDefinitionError(`同步任务定义无效：字段 columns.${src} 的目标列 ${dst} 不在 ${target.table} 中`);
  }
  const mapped = new Set(Object.values(def.columns));
  // the job creating records maps every required item; a 校核源, or a job filling only other
  // items of records that exist, maps none of them besides the key
  const createsRecords = ownsRecords(def, target);
  for (const col of target.columns) {
    if (createsRecords && col.required && !mapped.has(col.name)) throw new JobDefinitionError(`同步任务定义无效：字段 columns 未映射 ${target.table} 的必填列 ${col.name}`);
  }
  if (mappedItems(def, target).length === 0) throw new JobDefinitionError('同步任务定义无效：字段 columns 除主键外至少映射一个信息项');
  const keys = Array.isArray(def.key) ? def.key : [def.key];
  for (const k of keys) {
    if (!(k in def.columns)) throw new JobDefinitionError(`同步任务定义无效：字段 key 的列 ${k} 不在 columns 中`);
  }
  if (!keys.some((k) => def.columns[k] === target.pk)) {
    throw new JobDefinitionError(`同步任务定义无效：字段 key 须包含映射到主键 ${target.pk} 的列`);
  }
  if (!isCsvSource(def.source)) {
    const s = def.source;
    if (!s.table === !s.query) throw new JobDefinitionError('同步任务定义无效：字段 source 须且只能指定 table 或 query 之一');
    if (isMysqlDriver(s.client) && typeof s.connection !== 'string') throw new JobDefinitionError('同步任务定义无效：字段 source.connection 对 mysql2 应为 mysql:// URL');
  }
  for (const which of ['full', 'incremental'] as const) {
    const expr = def.schedule?.[which];
    if (expr !== undefined && !cron.validate(expr)) throw new JobDefinitionError(`同步任务定义无效：字段 schedule.${which} 不是合法的 cron 表达式`);
  }
  if (def.schedule?.incremental && !def.updateTime) throw new JobDefinitionError('同步任务定义无效：字段 updateTime 在配置增量调度时必填');
  if (def.schedule?.incremental && isCsvSource(def.source)) throw new JobDefinitionError('同步任务定义无效：字段 schedule.incremental CSV 文件源只支持全量');
  if (def.deleteFlag && !def.deleteFlag.column) throw new JobDefinitionError('同步任务定义无效：字段 deleteFlag.column 不能为空');
  return {
    ...def,
    target: target.table,
    library: target,
    keys,
    batchSize: def.batchSize ?? 1000,
    errorLimit: { records: def.errorLimit?.records ?? 1000, percent: def.errorLimit?.percent ?? 5 },
    lookbackSeconds: def.lookbackSeconds ?? 60,
    delaySeconds: def.delaySeconds ?? 2,
  };
}

/**
 * The source as it may be shown (API, CLI, logs): a connection password, whether written
 * into the URL by an older definition or kept in an environment variable, appears as ***.
 */
export function redactedSource(source: DbSource | CsvSource): DbSource | CsvSource {
  if (isCsvSource(source) || typeof source.connection !== 'string') return { ...source };
  let url: URL;
  try {
    url = new URL(source.connection);
  } catch {
    return { ...source, connection: '***' };
  }
  if (url.password !== '' || source.passwordEnv) url.password = '***';
  return { ...source, connection: url.toString().replace('%2A%2A%2A', '***') };
}

/** A job as it may be shown: its source redacted. */
export function redactedJob<T extends JobDefinition>(job: T): T {
  return { ...job, source: redactedSource(job.source) };
}

/**
 * Adds or replaces a job defined from outside (operator API, `dprs sync job add`, the demo):
 * checked, then confined to what this gateway may read (adapters/sources.ts).
 */
export async function defineJob(db: Knex, def: JobDefinition, policy: SourcePolicy): Promise<Job> {
  parseJob(def, await libraryOfJob(db, def));
  return saveJob(db, confineSource(def, policy));
}

/** Parses a definition's JSON text; a syntax error is reported without echoing the input. */
export function parseJobText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new JobDefinitionError('同步任务定义无效：不是合法的 JSON');
  }
}

/** A definition checked against the library it names (read from the catalogue). */
export async function loadJob(db: Knex, value: unknown): Promise<Job> {
  return parseJob(value, await libraryOfJob(db, value));
}

export interface StoredJob {
  job: Job;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/**
 * Stores a job (same id → new definition, keeps its watermark). Definitions from outside go
 * through defineJob, which confines their source first.
 */
export async function saveJob(db: Knex, def: JobDefinition): Promise<Job> {
  const job = await loadJob(db, def);
  await db.transaction(async (trx) => {
    const conflict = await ownershipConflict(trx, job, job.library);
    if (conflict) {
      const owner = `${conflict.owner.job}（${conflict.departmentName ?? conflict.owner.department ?? '未登记部门'}）`;
      throw new JobDefinitionError(
        conflict.item === null
          ? `同步任务定义无效：字段 target 的库表 ${job.target} 未声明必填信息项，其记录只能由一个权威任务建立，已由任务 ${owner}建立；请在资源登记中声明 library.required，或声明 "role": "verify" 作为校核源`
          : `同步任务定义无效：字段 columns 的信息项 ${conflict.item.toUpperCase()} 已由任务 ${owner}作为权威来源（一数一源）；如仅用于比对，请声明 "role": "verify" 作为校核源`,
      );
    }
    const now = Date.now();
    await trx('sync_jobs')
      .insert({ id: job.id, target: job.target, definition: JSON.stringify(def), enabled: job.enabled !== false, created_at: now, updated_at: now })
      .onConflict('id')
      .merge(['target', 'definition', 'enabled', 'updated_at']);
  });
  return job;
}

async function fromRow(db: Knex, r: { definition: string; enabled: unknown; created_at: unknown; updated_at: unknown }): Promise<StoredJob> {
  return { job: await loadJob(db, JSON.parse(r.definition)), enabled: Boolean(Number(r.enabled)), createdAt: Number(r.created_at), updatedAt: Number(r.updated_at) };
}

export async function listJobs(db: Knex): Promise<StoredJob[]> {
  const rows = await db('sync_jobs').orderBy('id');
  const out: StoredJob[] = [];
  for (const row of rows) out.push(await fromRow(db, row));
  return out;
}

export async function getJob(db: Knex, id: string): Promise<StoredJob | null> {
  const row = await db('sync_jobs').where({ id }).first();
  return row ? fromRow(db, row) : null;
}

/** Removes the job and its watermark (and a 校核源's values); run history and rejects stay for the record. */
export async function removeJob(db: Knex, id: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const n = await trx('sync_jobs').where({ id }).del();
    await trx('sync_watermarks').where({ job_id: id }).del();
    await withdrawSource(trx, id, Date.now());
    return n > 0;
  });
}
