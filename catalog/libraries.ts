/**
 * 有目录必有数据: a published resource shared by 接口 or 库表 has a library, a table whose
 * columns are its 信息项 (column = the field in lower case, type and length from data_type and
 * length through core/dialect.ts), keyed on the items its registration declares. Publishing
 * creates the table; a revision adds columns for new items, hides removed ones (their column
 * and data stay) and may lengthen, never narrow. The three base libraries (core/registry.ts)
 * are libraries of their resources by the same rules, on their tables of migrations 001–003.
 *
 * The libraries and their columns are recorded in `libraries` and `library_columns`; the sync
 * (adapters/sync/targets.ts) and the lookups read a library from here.
 */
import type { Knex } from 'knex';
import type { Db } from '../core/db';
import { addLiveValueColumn, itemColumn, ItemStorage, itemStorage, StoredColumn, storedColumns, widenStringColumn } from '../core/dialect';
import { columnOf, DataType, LIBRARIES, LibraryName } from '../core/registry';
import { SYNC_BOOKKEEPING_COLUMNS, syncBookkeeping } from '../gateway/migrations/columns';
import { authoritativeFullRunCompleted, targetsWithAuthoritativeFullRun } from '../adapters/sync/runs';
import type { Registration } from './resources';
import type { FieldError } from './validation';
import { ValidationFailed } from './validation';

export interface LibraryColumn {
  field: string;
  column: string;
  name: string;
  data_type: DataType;
  length?: number;
  sensitive: boolean;
  /** the item was removed by a revision: kept with its data, never answered */
  hidden: boolean;
}

export interface ResourceLibrary {
  resourceCode: string;
  table: string;
  /** item fields */
  key: string[];
  /** item fields unique among live records */
  unique: string[];
  /** item fields every record must have besides the key: the job mapping them creates the records */
  required: string[];
  /** visible columns in the registration's order, then the hidden ones */
  columns: LibraryColumn[];
  /** retired with its resource: the table and data stay */
  state: 'active' | 'retired';
}

/** The 共享方式 whose resources have a library (a 文件 resource is shared as files). */
const LIBRARY_SHARE_MODES: ReadonlySet<string> = new Set(['接口', '库表']);

/** Columns every library row carries for the sync; no item may take them. */
const BOOKKEEPING_COLUMNS: ReadonlySet<string> = new Set(SYNC_BOOKKEEPING_COLUMNS);
/** A unique item's live value lives in `<column>_live` (see addLiveValueColumn). */
const LIVE_SUFFIX = '_live';
/** The longest key or unique text an index takes on every database. */
const MAX_INDEXED_LENGTH = 255;

export function hasLibrary(reg: Pick<Registration, 'share_mode'>): boolean {
  return LIBRARY_SHARE_MODES.has(reg.share_mode);
}

/** The table of a resource's library: a base library keeps its name, any other is lib_<code>. */
export function libraryTableName(resourceCode: string): string {
  const base = Object.values(LIBRARIES).find((lib) => lib.resource_code === resourceCode);
  return base ? base.name : `lib_${resourceCode.replace('/', '_')}`;
}

function storageOf(c: { data_type: string; length?: number | null }): ItemStorage {
  return itemStorage(c.data_type, c.length ?? undefined);
}

function indexable(s: ItemStorage): boolean {
  return (s.kind === 'string' && s.length <= MAX_INDEXED_LENGTH) || s.kind === 'integer';
}

/** The declaration's own errors (no database needed): for the registration's cross-field checks. */
export function libraryDeclarationErrors(reg: Registration): FieldError[] {
  const errs: FieldError[] = [];
  if (!hasLibrary(reg)) {
    if (reg.library) errs.push({ field: 'library', reason: `共享方式为${reg.share_mode}的资源没有库表，不应声明 library` });
    return errs;
  }
  if (!reg.library) return [{ field: 'library', reason: '共享方式为接口或库表时须声明库表（library.key 主键信息项）' }];
  const items = new Map(reg.items.map((i) => [i.field, i]));
  reg.library.key.forEach((f, i) => {
    const item = items.get(f);
    if (!item) errs.push({ field: `library.key.${i}`, reason: `库表主键 ${f} 不是本资源的信息项` });
    else if (!indexable(storageOf(item))) errs.push({ field: `library.key.${i}`, reason: `库表主键 ${f} 须为长度不超过 ${MAX_INDEXED_LENGTH} 的字符、日期类信息项或货币（整数）` });
  });
  const seen = new Set<string>();
  (reg.library.required ?? []).forEach((f, i) => {
    if (!items.has(f)) errs.push({ field: `library.required.${i}`, reason: `必填信息项 ${f} 不是本资源的信息项` });
    else if (reg.library!.key.includes(f)) errs.push({ field: `library.required.${i}`, reason: `必填信息项 ${f} 已是主键（主键总是必填）` });
  });
  (reg.library.unique ?? []).forEach((f, i) => {
    const item = items.get(f);
    if (!item) errs.push({ field: `library.unique.${i}`, reason: `唯一信息项 ${f} 不是本资源的信息项` });
    else if (reg.library!.key.includes(f)) errs.push({ field: `library.unique.${i}`, reason: `唯一信息项 ${f} 已是主键` });
    else if (seen.has(f)) errs.push({ field: `library.unique.${i}`, reason: `唯一信息项 ${f} 重复` });
    else if (storageOf(item).kind !== 'string' || !indexable(storageOf(item))) errs.push({ field: `library.unique.${i}`, reason: `唯一信息项 ${f} 须为长度不超过 ${MAX_INDEXED_LENGTH} 的字符、日期类信息项` });
    seen.add(f);
  });
  reg.items.forEach((it, i) => {
    const column = columnOf(it);
    if (BOOKKEEPING_COLUMNS.has(column) || column.endsWith(LIVE_SUFFIX)) errs.push({ field: `items.${i}.field`, reason: `字段名 ${it.field} 是库表的保留列名` });
  });
  return errs;
}

const sizeOf = (s: ItemStorage): number => (s.kind === 'string' ? s.length : s.kind === 'decimal' ? s.precision : Infinity);
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
const lengthText = (s: ItemStorage) => (s.kind === 'text' ? '不限' : String(sizeOf(s)));

/**
 * What a new version of the registration may not change in its published library: the key,
 * the unique items, an item's type, or its length downwards — the data there would not fit.
 */
export function libraryChangeErrors(current: ResourceLibrary, reg: Registration): FieldError[] {
  const errs: FieldError[] = [];
  if (!reg.library) return errs; // reported by libraryDeclarationErrors
  if (!sameSet(current.key, reg.library.key)) errs.push({ field: 'library.key', reason: `库表主键不能修改（已发布为 ${current.key.join('、')}）` });
  if (!sameSet(current.unique, reg.library.unique ?? [])) {
    errs.push({ field: 'library.unique', reason: `唯一信息项不能修改（已发布为 ${current.unique.join('、') || '无'}）` });
  }
  // which job creates the records follows from the required items (adapters/verification/ownership.ts)
  if (!sameSet(current.required, reg.library.required ?? [])) {
    errs.push({ field: 'library.required', reason: `必填信息项不能修改（已发布为 ${current.required.join('、') || '无'}）` });
  }
  const columns = new Map(current.columns.map((c) => [c.field, c]));
  reg.items.forEach((it, i) => {
    const had = columns.get(it.field);
    if (!had) return;
    if (had.data_type !== it.data_type) {
      errs.push({ field: `items.${i}.data_type`, reason: `信息项 ${it.field} 的数据类型不能由 ${had.data_type} 改为 ${it.data_type}（库表中已有该列）` });
      return;
    }
    const before = storageOf(had);
    const after = storageOf(it);
    if (sizeOf(after) < sizeOf(before)) {
      errs.push({ field: `items.${i}.length`, reason: `信息项 ${it.field} 的长度不能由 ${lengthText(before)} 缩短为 ${lengthText(after)}（库表中的数据可能放不下）` });
    }
  });
  return errs;
}

/** The change errors of a registration against its published library, if it has one. */
export async function libraryChangeErrorsOf(db: Db | Knex, reg: Registration): Promise<FieldError[]> {
  if (!hasLibrary(reg)) return [];
  const current = await libraryOfResource(db, reg.code);
  return current ? libraryChangeErrors(current, reg) : [];
}

async function createLibraryTable(db: Knex, table: string, reg: Registration): Promise<void> {
  const key = new Set(reg.library!.key);
  await db.schema.createTable(table, (t) => {
    for (const it of reg.items) {
      const col = itemColumn(t, columnOf(it), storageOf(it));
      if (key.has(it.field)) col.notNullable();
      else col.nullable();
    }
    t.primary(reg.library!.key.map((f) => columnOf({ field: f })));
    syncBookkeeping(t);
  });
  await addUniqueItems(db, table, reg.library!.unique ?? [], reg);
}

/** Unique among live records only: a soft-deleted record holds no value (as population's 公民身份号码). */
async function addUniqueItems(db: Knex, table: string, fields: readonly string[], reg: Registration): Promise<void> {
  for (const f of fields) {
    const column = columnOf({ field: f });
    const storage = storageOf(reg.items.find((i) => i.field === f)!);
    await addLiveValueColumn(db, table, `${column}${LIVE_SUFFIX}`, column, sizeOf(storage));
    // one index serves both: unique on (item, live value) and the item's lookups (see 509)
    await db.schema.alterTable(table, (t) => {
      t.unique([column, `${column}${LIVE_SUFFIX}`], { indexName: `${table}_${column}_live_unique` });
    });
  }
}

const KIND_TEXT: Readonly<Record<StoredColumn['kind'], string>> = { string: '字符', text: '长文本', integer: '整数', decimal: '数值', boolean: '逻辑', other: '其他类型' };
const storedText = (c: StoredColumn) => (c.kind === 'string' ? `${KIND_TEXT.string}（长度 ${c.length}）` : KIND_TEXT[c.kind]);

/**
 * An existing column no publication recorded (one that failed after its DDL) must be what the
 * item declares: recorded ones are held to the registration by libraryChangeErrors, but an
 * unrecorded one would otherwise be taken, and later lengthened or answered, as the wrong type.
 */
function unrecordedColumnErrors(reg: Registration, table: string, stored: Map<string, StoredColumn>, recorded: ReadonlySet<string>): FieldError[] {
  const errs: FieldError[] = [];
  reg.items.forEach((it, i) => {
    const column = columnOf(it);
    const found = stored.get(column);
    if (!found || recorded.has(it.field)) return;
    const wanted = storageOf(it);
    const same = found.kind === wanted.kind && (wanted.kind !== 'string' || found.length === wanted.length);
    if (same) return;
    const field = found.kind === wanted.kind ? `items.${i}.length` : `items.${i}.data_type`;
    errs.push({ field, reason: `信息项 ${it.field} 的列 ${column} 已在库表 ${table} 中（未完成的发布留下），其类型为${storedText(found)}，与登记的${storedText(wanted)}不符` });
  });
  return errs;
}

/**
 * Brings the library's table to the registration: creates it, adds a column for each new
 * item, lengthens a column whose item grew. Idempotent, and done before the publishing
 * transaction: MariaDB commits a transaction at any DDL. Call it only for a registration
 * without change errors; refuses one whose item meets an unrecorded column of another type.
 */
export async function buildLibraryTable(db: Db | Knex, reg: Registration): Promise<void> {
  if (!hasLibrary(reg) || !reg.library) return;
  const current = await libraryOfResource(db, reg.code);
  const table = current?.table ?? libraryTableName(reg.code);
  if (!(await db.schema.hasTable(table))) {
    await createLibraryTable(db, table, reg);
    return;
  }
  const recorded = new Map((current?.columns ?? []).map((c) => [c.field, c]));
  const stored = await storedColumns(db, table);
  const errs = unrecordedColumnErrors(reg, table, stored, new Set(recorded.keys()));
  if (errs.length > 0) throw new ValidationFailed('资源登记', errs);
  for (const it of reg.items) {
    const column = columnOf(it);
    const had = recorded.get(it.field);
    if (!had && !stored.has(column)) {
      await db.schema.alterTable(table, (t) => void itemColumn(t, column, storageOf(it)).nullable());
    } else if (had && sizeOf(storageOf(it)) > sizeOf(storageOf(had))) {
      await widenStringColumn(db, table, column, storageOf(it), reg.library.key.includes(it.field));
    }
  }
}

/** Records the library of a registration being published (in the publishing transaction). */
export async function recordLibrary(trx: Knex, reg: Registration, now = Date.now()): Promise<void> {
  if (!hasLibrary(reg) || !reg.library) return;
  const code = reg.code;
  const current = await libraryOfResource(trx, code);
  const row = {
    key_fields: JSON.stringify(reg.library.key),
    unique_fields: JSON.stringify(reg.library.unique ?? []),
    required_fields: JSON.stringify(reg.library.required ?? []),
    state: 'active',
    updated_at: now,
  };
  if (current) await trx('libraries').where({ resource_code: code }).update(row);
  else await trx('libraries').insert({ resource_code: code, table_name: libraryTableName(code), ...row, created_at: now });
  const listed = new Set(reg.items.map((i) => i.field));
  const kept = (current?.columns ?? []).filter((c) => !listed.has(c.field));
  await trx('library_columns').where({ resource_code: code }).delete();
  const rows = [
    ...reg.items.map((it) => ({ field: it.field, name: it.name, data_type: it.data_type, length: it.length ?? null, sensitive: it.sensitive, hidden: false })),
    ...kept.map((c) => ({ field: c.field, name: c.name, data_type: c.data_type, length: c.length ?? null, sensitive: c.sensitive, hidden: true })),
  ].map((c, position) => ({ resource_code: code, column_name: columnOf(c), position, ...c }));
  for (let i = 0; i < rows.length; i += 100) await trx('library_columns').insert(rows.slice(i, i + 100));
}

/** A retired resource's library stays with its data, marked retired. */
export async function retireLibrary(trx: Knex, resourceCode: string, now = Date.now()): Promise<void> {
  await trx('libraries').where({ resource_code: resourceCode }).update({ state: 'retired', updated_at: now });
}

interface LibraryRow {
  resource_code: string;
  table_name: string;
  key_fields: string;
  unique_fields: string;
  required_fields: string;
  state: 'active' | 'retired';
}

interface ColumnRow {
  field: string;
  column_name: string;
  name: string;
  data_type: DataType;
  length: number | null;
  sensitive: unknown;
  hidden: unknown;
}

function toLibrary(row: LibraryRow, columns: ColumnRow[]): ResourceLibrary {
  return {
    resourceCode: row.resource_code,
    table: row.table_name,
    key: JSON.parse(row.key_fields) as string[],
    unique: JSON.parse(row.unique_fields) as string[],
    required: JSON.parse(row.required_fields) as string[],
    columns: columns.map((c) => ({
      field: c.field,
      column: c.column_name,
      name: c.name,
      data_type: c.data_type,
      ...(c.length === null ? {} : { length: Number(c.length) }),
      sensitive: Boolean(Number(c.sensitive)),
      hidden: Boolean(Number(c.hidden)),
    })),
    state: row.state,
  };
}

/**
 * A base library as the registry describes it, in catalogue terms: what its seeded
 * registration declares (a test pins the two equal) and what migration 803 records.
 */
export function baseLibrary(name: LibraryName): ResourceLibrary {
  const lib = LIBRARIES[name];
  const fieldOf = (column: string) => lib.items.find((i) => columnOf(i) === column)!.field;
  return {
    resourceCode: lib.resource_code,
    table: lib.name,
    key: [fieldOf(lib.key)],
    unique: lib.unique.map(fieldOf),
    required: lib.items.filter((i) => i.required && columnOf(i) !== lib.key).map((i) => i.field),
    columns: lib.items.map((i) => ({ field: i.field, column: columnOf(i), name: i.name, data_type: i.data_type, ...(i.length ? { length: i.length } : {}), sensitive: i.sensitive, hidden: false })),
    state: 'active',
  };
}

/** The rows recording a library (libraries, library_columns), for a migration. */
export function libraryRows(lib: ResourceLibrary, now: number) {
  return {
    library: {
      resource_code: lib.resourceCode,
      table_name: lib.table,
      key_fields: JSON.stringify(lib.key),
      unique_fields: JSON.stringify(lib.unique),
      required_fields: JSON.stringify(lib.required),
      state: lib.state,
      created_at: now,
      updated_at: now,
    },
    columns: lib.columns.map((c, position) => ({
      resource_code: lib.resourceCode,
      field: c.field,
      column_name: c.column,
      name: c.name,
      data_type: c.data_type,
      length: c.length ?? null,
      sensitive: c.sensitive,
      hidden: c.hidden,
      position,
    })),
  };
}

/** The library of a resource, or null (not shared by 接口 / 库表, or never published). */
export async function libraryOfResource(db: Db | Knex, resourceCode: string): Promise<ResourceLibrary | null> {
  const row = (await db('libraries').where({ resource_code: resourceCode }).first()) as LibraryRow | undefined;
  if (!row) return null;
  const columns = (await db('library_columns').where({ resource_code: resourceCode }).orderBy('position')) as ColumnRow[];
  return toLibrary(row, columns);
}

/** The library stored in `table`, or null. */
export async function libraryOfTable(db: Db | Knex, table: string): Promise<ResourceLibrary | null> {
  const row = (await db('libraries').where({ table_name: table }).first('resource_code')) as { resource_code: string } | undefined;
  return row ? libraryOfResource(db, row.resource_code) : null;
}

/** Every library, by resource code. */
export async function listLibraries(db: Db | Knex): Promise<ResourceLibrary[]> {
  const rows = (await db('libraries').orderBy('resource_code')) as LibraryRow[];
  const columns = (await db('library_columns').orderBy(['resource_code', 'position'])) as Array<ColumnRow & { resource_code: string }>;
  return rows.map((r) => toLibrary(r, columns.filter((c) => c.resource_code === r.resource_code)));
}

/**
 * 接入: an authoritative sync job into the library has completed a full run — the library holds
 * what its source holds. Until then its methods are 待接入 and answer 503 数据尚未接入, never 404.
 */
export async function isConnected(db: Db | Knex, resourceCode: string): Promise<boolean> {
  const row = (await db('libraries').where({ resource_code: resourceCode }).first('table_name')) as { table_name: string } | undefined;
  return row ? authoritativeFullRunCompleted(db, row.table_name) : false;
}

/** The resources whose libraries are connected (see isConnected), for listings: a query per sync job, not per resource. */
export async function connectedResourceCodes(db: Db | Knex): Promise<Set<string>> {
  const filled = await targetsWithAuthoritativeFullRun(db);
  const rows = (await db('libraries').select('resource_code', 'table_name')) as Array<{ resource_code: string; table_name: string }>;
  return new Set(rows.filter((r) => filled.has(r.table_name)).map((r) => r.resource_code));
}

/** Throws the registration's change errors (publication re-checks what submission checked). */
export function assertNoLibraryChange(current: ResourceLibrary | null, reg: Registration): void {
  const errs = current ? libraryChangeErrors(current, reg) : [];
  if (errs.length > 0) throw new ValidationFailed('资源登记', errs);
}
