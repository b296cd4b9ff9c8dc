/**
 * Sync job definitions: validation (JSON Schema, then the checks a schema cannot express)
 * and their storage in sync_jobs. Invalid input gets one Chinese sentence naming the field.
 */
import cron from 'node-cron';
import type { Knex } from 'knex';
import { isMysqlDriver } from '../../core/dialect';
import { compileSchema, describeFieldError, mostTellingError } from '../../core/validation';
import { syncJobSchema } from '../../schemas/sync-job.schema';
import { TARGETS, TargetName, targetColumnNames } from './targets';
import { isVerificationSource, mappedItems, ownershipConflict } from '../verification/ownership';
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
  target: TargetName;
  /** source column → target column */
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

const check = compileSchema(syncJobSchema);

/** Validates a parsed JSON value as a job definition and applies defaults. */
export function parseJob(value: unknown): Job {
  if (!check(value)) {
    throw new JobDefinitionError(`同步任务定义无效：${describeFieldError(mostTellingError(check.errors))}`);
  }
  const def = value as unknown as JobDefinition;
  const target = TARGETS[def.target];
  const allowed = new Set(targetColumnNames(def.target));
  for (const [src, dst] of Object.entries(def.columns)) {
    if (!allowed.has(dst)) throw new JobDefinitionError(`同步任务定义无效：字段 columns.${src} 的目标列 ${dst} 不在 ${def.target} 中`);
  }
  const mapped = new Set(Object.values(def.columns));
  // the job creating records maps every required item; a 校核源, or a job filling only other
  // items of records that exist, maps none of them besides the key
  const createsRecords = !isVerificationSource(def) && target.columns.some((c) => c.required && c.name !== target.pk && mapped.has(c.name));
  for (const col of target.columns) {
    if (createsRecords && col.required && !mapped.has(col.name)) throw new JobDefinitionError(`同步任务定义无效：字段 columns 未映射 ${def.target} 的必填列 ${col.name}`);
  }
  if (mappedItems(def).length === 0) throw new JobDefinitionError('同步任务定义无效：字段 columns 除主键外至少映射一个信息项');
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
  parseJob(def);
  return saveJob(db, confineSource(def, policy));
}

/** Parses JSON text; a syntax error is reported without echoing the input. */
export function parseJobText(text: string): Job {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JobDefinitionError('同步任务定义无效：不是合法的 JSON');
  }
  return parseJob(value);
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
  const job = parseJob(def);
  await db.transaction(async (trx) => {
    const conflict = await ownershipConflict(trx, job);
    if (conflict) {
      const owner = `${conflict.owner.job}（${conflict.departmentName ?? conflict.owner.department ?? '未登记部门'}）`;
      throw new JobDefinitionError(
        `同步任务定义无效：字段 columns 的信息项 ${conflict.item.toUpperCase()} 已由任务 ${owner}作为权威来源（一数一源）；如仅用于比对，请声明 "role": "verify" 作为校核源`,
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

function fromRow(r: { definition: string; enabled: unknown; created_at: unknown; updated_at: unknown }): StoredJob {
  return { job: parseJob(JSON.parse(r.definition)), enabled: Boolean(Number(r.enabled)), createdAt: Number(r.created_at), updatedAt: Number(r.updated_at) };
}

export async function listJobs(db: Knex): Promise<StoredJob[]> {
  const rows = await db('sync_jobs').orderBy('id');
  return rows.map(fromRow);
}

export async function getJob(db: Knex, id: string): Promise<StoredJob | null> {
  const row = await db('sync_jobs').where({ id }).first();
  return row ? fromRow(row) : null;
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
