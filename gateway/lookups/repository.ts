/**
 * The base-library repository: the only code that reads population, legal_entity and
 * licence. Soft-deleted rows (deleted = true) are never returned. Rows come back in the
 * template's field names and order, values as stored.
 */
import type { Db } from '../../core/db';
import { itemFields, LIBRARIES, LibraryName } from '../../core/registry';
import { GatheredKeyReads } from './gathered-reads';

export type PersonRecord = {
  RYBH: string; GMSFZH: string; XM: string; CSRQ: string | null; MZ: string | null; XB: string | null;
  JG: string | null; CSD: string | null; HJD: string | null;
};

export type EntityRecord = {
  TYSHXYDM: string; JGMC: string; JGLX: string | null; FDDBR: string | null; ZCZB: number | null; CLRQ: string | null;
  DJJG: string | null; ZS: string | null; JYFW: string | null; DJZT: string | null;
};

export type LicenceRecord = {
  ZZBH: string; ZZMC: string; ZZLXDM: string; CZZT: string; CZZTDM: string; CZZTDMLX: string; ZZBFJG: string | null;
  ZZBFRQ: string | null; ZZYXQQSRQ: string | null; ZZYXQJZRQ: string | null; ZZZT: string; SXMC: string | null;
};

/** Template order of each library's fields (column = lower-case field name). */
const ENTITY_FIELDS = itemFields('legal_entity');
const LICENCE_FIELDS = itemFields('licence');

/** A query by a non-unique key never returns more than this many rows. */
export const MAX_ROWS = 100;

function columns(fields: readonly string[]): string[] {
  return fields.map((f) => f.toLowerCase());
}

/** A database row as a record of the template: its fields in order, numbers as numbers, absent as null. */
export function toRecord<T>(fields: readonly string[], row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    let v = row[f.toLowerCase()];
    if (typeof v === 'bigint') v = Number(v);
    // mysql2 returns DECIMAL / big integers as strings in some settings: money stays a number
    if (f === 'ZCZB' && typeof v === 'string' && /^\d+$/.test(v)) v = Number(v);
    out[f] = v ?? null;
  }
  return out as T;
}

/**
 * A key matches by equality only. MariaDB's default collation (utf8mb4_general_ci) compares
 * without case and trailing blanks, so there the query only narrows and this decides.
 */
export function exactly(rows: Record<string, unknown>[], key: Record<string, string>): Record<string, unknown>[] {
  return rows.filter((row) => Object.entries(key).every(([column, value]) => row[column] === value));
}

/** A single-row lookup by primary or unique key. */
interface KeyRead {
  lib: LibraryName;
  column: string;
  fields: readonly string[];
}

function byColumn(lib: LibraryName, column: string): KeyRead {
  return { lib, column, fields: itemFields(lib) };
}

const BY_KEY = {
  person: byColumn('population', 'gmsfzh'),
  entity: byColumn('legal_entity', LIBRARIES.legal_entity.key),
  licence: byColumn('licence', LIBRARIES.licence.key),
};

/**
 * The gathered reads, one per store and key read. On MySQL a statement is a round trip; on
 * SQLite in WAL mode each statement outside a transaction is a read transaction of its own,
 * whose locks cost more than the read (BENCHMARKS.md, "Round 10"): gathering helps both.
 */
const gathered = new WeakMap<Db, Map<KeyRead, GatheredKeyReads>>();

function gatheredReads(db: Db, by: KeyRead): GatheredKeyReads {
  let reads = gathered.get(db);
  if (!reads) gathered.set(db, (reads = new Map()));
  let r = reads.get(by);
  if (!r) reads.set(by, (r = new GatheredKeyReads(db, by.lib, by.column, columns(by.fields))));
  return r;
}

export class BaseLibraries {
  constructor(private readonly db: Db) {}

  private async oneByKey<T>(by: KeyRead, key: string): Promise<T | null> {
    const row = await gatheredReads(this.db, by).read(key);
    return row ? toRecord<T>(by.fields, row) : null;
  }

  async personById(gmsfzh: string): Promise<PersonRecord | null> {
    return this.oneByKey<PersonRecord>(BY_KEY.person, gmsfzh);
  }

  /** 姓名 by 公民身份号码 for many numbers at once (batch comparison); deleted rows absent. */
  async namesByIds(ids: readonly string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const unique = [...new Set(ids)];
    // Stryker disable next-line EqualityOperator: one more chunk would be empty and find nobody
    for (let i = 0; i < unique.length; i += 500) {
      const rows = (await this.db('population').select('gmsfzh', 'xm').whereIn('gmsfzh', unique.slice(i, i + 500)).andWhere({ deleted: false })) as {
        gmsfzh: string;
        xm: string;
      }[];
      for (const r of rows) names.set(r.gmsfzh, r.xm);
    }
    return names;
  }

  async entityByCreditCode(tyshxydm: string): Promise<EntityRecord | null> {
    return this.oneByKey<EntityRecord>(BY_KEY.entity, tyshxydm);
  }

  async entitiesByName(jgmc: string): Promise<EntityRecord[]> {
    const rows = await this.db('legal_entity').select(columns(ENTITY_FIELDS)).where({ jgmc, deleted: false }).orderBy('tyshxydm').limit(MAX_ROWS);
    return exactly(rows, { jgmc }).map((r) => toRecord<EntityRecord>(ENTITY_FIELDS, r));
  }

  async licenceByNumber(zzbh: string): Promise<LicenceRecord | null> {
    return this.oneByKey<LicenceRecord>(BY_KEY.licence, zzbh);
  }

  async licencesByHolder(czztdm: string, zzlxdm?: string): Promise<LicenceRecord[]> {
    const q = this.db('licence').select(columns(LICENCE_FIELDS)).where({ czztdm, deleted: false });
    if (zzlxdm !== undefined) q.andWhere({ zzlxdm });
    const rows = await q.orderBy('zzbh').limit(MAX_ROWS);
    return exactly(rows, zzlxdm === undefined ? { czztdm } : { czztdm, zzlxdm }).map((r) => toRecord<LicenceRecord>(LICENCE_FIELDS, r));
  }
}
