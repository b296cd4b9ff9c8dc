/**
 * The lookup methods of the 附件3 template. Each is written once here and reached by both the
 * JSON and the SOAP interface through gateway/pipeline.ts. A method parses and checks its
 * parameters (400 before any query), names the key the audit hashes, and runs against the
 * base-library repository. An empty result is answered 404 by the pipeline; the two
 * verification methods always return one verdict instead.
 */
import { ApiError, RESULT_CODES } from '../../core/result-codes';
import { licenceKey, organisationNameKey } from '../auditing/query-key';
import { answerFields, Interface, LICENCE_VERDICTS, LOOKUPS, PERSON_VERDICTS } from '../../core/registry';
import { BaseLibraries } from './repository';
import { checkShape, requireCreditCode, requireHolderCode, requireIdNumber, requireName, requireText } from './validation';

export type LookupRecord = Record<string, unknown>;
export type { Interface };

export interface LookupMethod<P = unknown> {
  name: string;
  /** 资源名称 / 接口名称 of the template */
  title: string;
  interfaces: readonly Interface[];
  /** the data items a grant can include or mask, in answer order */
  fields: readonly string[];
  /**
   * A verification: the items it compares (from the registry). Its answer is a verdict, not
   * items, and it is answered only under a grant of these (catalog/access.ts verificationRefusal).
   */
  compares?: readonly string[];
  parse(raw: unknown): P;
  /** what the audit log hashes: the canonical query key, never stored in plain */
  queryKey(params: P): string;
  /** for a batch: each item's key (null for an invalid item), so each person can find it */
  itemKeys?(params: P): Array<string | null>;
  /** subjects the query names besides its key (the holder a licence is checked against) */
  askedSubjects?(params: P): string[];
  run(repo: BaseLibraries, params: P, today: string): Promise<LookupRecord[]>;
}

/** A method's name, title, interfaces and answer fields, as the registry has them. */
function described(name: string): Pick<LookupMethod, 'name' | 'title' | 'interfaces' | 'fields' | 'compares'> {
  const spec = LOOKUPS[name];
  return { name: spec.name, title: spec.title, interfaces: spec.interfaces, fields: answerFields(spec), ...(spec.compares ? { compares: spec.compares } : {}) };
}

interface PersonQuery { xm: string; gmsfzh: string }

function parsePersonQuery(method: string, raw: unknown): PersonQuery {
  const p = checkShape<{ xm: string; gmsfzh: string }>(method, raw);
  return { xm: requireName('xm', p.xm), gmsfzh: requireIdNumber('gmsfzh', p.gmsfzh) };
}

function compareName(given: string, stored: string | undefined) {
  if (stored === undefined) return PERSON_VERDICTS.NO_SUCH_PERSON;
  return stored.trim() === given ? PERSON_VERDICTS.MATCH : PERSON_VERDICTS.MISMATCH;
}

const getRKZP: LookupMethod<PersonQuery> = {
  ...described('getRKZP'),
  parse: (raw) => parsePersonQuery('getRKZP', raw),
  queryKey: (p) => p.gmsfzh,
  // both keys must match: a caller who knows the number but not the name learns nothing
  async run(repo, p) {
    const person = await repo.personById(p.gmsfzh);
    return person && person.XM.trim() === p.xm ? [person] : [];
  },
};

const getRKHY: LookupMethod<PersonQuery> = {
  ...described('getRKHY'),
  parse: (raw) => parsePersonQuery('getRKHY', raw),
  queryKey: (p) => p.gmsfzh,
  async run(repo, p) {
    const person = await repo.personById(p.gmsfzh);
    return [{ ...compareName(p.xm, person?.XM) }];
  },
};

/** One batchRKHY item: either a query, or the 400 its own parameters earned. */
type BatchItem = { ok: true; query: PersonQuery } | { ok: false; error: ApiError };

const batchRKHY: LookupMethod<BatchItem[]> = {
  ...described('batchRKHY'),
  parse(raw) {
    const p = checkShape<{ items: unknown[] }>('batchRKHY', raw);
    return p.items.map((item): BatchItem => {
      try {
        return { ok: true, query: parsePersonQuery('batchRKHYItem', item) };
      } catch (err) {
        if (err instanceof ApiError) return { ok: false, error: err };
        throw err;
      }
    });
  },
  // one audit row per batch, which stands for each person in it (gateway/audit.ts)
  queryKey: (items) => items.map((i) => (i.ok ? i.query.gmsfzh : '-')).join(','),
  itemKeys: (items) => items.map((i) => (i.ok ? i.query.gmsfzh : null)),
  async run(repo, items) {
    const names = await repo.namesByIds(items.flatMap((i) => (i.ok ? [i.query.gmsfzh] : [])));
    return items.map((item, index) => {
      if (!item.ok) return { XH: index + 1, result_code: item.error.code, msg: item.error.message };
      return {
        XH: index + 1,
        result_code: RESULT_CODES.OK.code,
        msg: RESULT_CODES.OK.msg,
        ...compareName(item.query.xm, names.get(item.query.gmsfzh)),
      };
    });
  },
};

type EntityQuery = { tyshxydm: string } | { jgmc: string };

const getFRXX: LookupMethod<EntityQuery> = {
  ...described('getFRXX'),
  parse(raw) {
    const p = checkShape<{ tyshxydm?: string; jgmc?: string }>('getFRXX', raw);
    if (p.tyshxydm !== undefined) return { tyshxydm: requireCreditCode('tyshxydm', p.tyshxydm) };
    // Stryker disable next-line StringLiteral: the schema lets this parameter be absent only when the other key is given
    return { jgmc: requireName('jgmc', p.jgmc ?? '') };
  },
  queryKey: (p) => ('tyshxydm' in p ? p.tyshxydm : organisationNameKey(p.jgmc)),
  async run(repo, p) {
    if ('tyshxydm' in p) {
      const e = await repo.entityByCreditCode(p.tyshxydm);
      return e ? [e] : [];
    }
    return repo.entitiesByName(p.jgmc);
  },
};

type LicenceQuery = { zzbh: string } | { czztdm: string; zzlxdm?: string };

const getDZZZ: LookupMethod<LicenceQuery> = {
  ...described('getDZZZ'),
  parse(raw) {
    const p = checkShape<{ zzbh?: string; czztdm?: string; zzlxdm?: string }>('getDZZZ', raw);
    if (p.zzbh !== undefined) return { zzbh: requireText('zzbh', p.zzbh) };
    // Stryker disable next-line StringLiteral: the schema lets this parameter be absent only when the other key is given
    const czztdm = requireHolderCode('czztdm', p.czztdm ?? '');
    return p.zzlxdm === undefined ? { czztdm } : { czztdm, zzlxdm: requireText('zzlxdm', p.zzlxdm) };
  },
  queryKey: (p) => ('zzbh' in p ? licenceKey(p.zzbh) : p.czztdm),
  async run(repo, p) {
    if ('zzbh' in p) {
      const l = await repo.licenceByNumber(p.zzbh);
      return l ? [l] : [];
    }
    return repo.licencesByHolder(p.czztdm, p.zzlxdm);
  },
};

interface LicenceCheck { zzbh: string; czztdm: string }

const getDZZZHY: LookupMethod<LicenceCheck> = {
  ...described('getDZZZHY'),
  parse(raw) {
    const p = checkShape<{ zzbh: string; czztdm: string }>('getDZZZHY', raw);
    return { zzbh: requireText('zzbh', p.zzbh), czztdm: requireHolderCode('czztdm', p.czztdm) };
  },
  queryKey: (p) => licenceKey(p.zzbh),
  askedSubjects: (p) => [p.czztdm],
  async run(repo, p, today) {
    const l = await repo.licenceByNumber(p.zzbh);
    // a licence held by someone else is, for this holder, no licence at all
    if (!l || l.CZZTDM !== p.czztdm) return [{ ...LICENCE_VERDICTS.NO_SUCH_LICENCE }];
    if (l.ZZZT === '注销' || l.ZZZT === '吊销') return [{ ...LICENCE_VERDICTS.CANCELLED }];
    // ZZYXQJZRQ null = 长期 (no end date); the end date itself is still valid
    if (l.ZZYXQJZRQ !== null && l.ZZYXQJZRQ < today) return [{ ...LICENCE_VERDICTS.EXPIRED }];
    return [{ ...LICENCE_VERDICTS.VALID }];
  },
};

export const LOOKUP_METHODS: ReadonlyMap<string, LookupMethod> = new Map(
  ([getRKZP, getRKHY, batchRKHY, getFRXX, getDZZZ, getDZZZHY] as LookupMethod<any>[]).map((m) => [m.name, m]), // eslint-disable-line @typescript-eslint/no-explicit-any
);

export function lookupMethod(name: string, iface: Interface): LookupMethod | null {
  const m = LOOKUP_METHODS.get(name);
  return m && m.interfaces.includes(iface) ? m : null;
}

/** Today's date (YYYYMMDD) in China Standard Time, which licence dates are written in. */
export function todayInChina(now = Date.now()): string {
  return new Date(now + 8 * 3600 * 1000).toISOString().slice(0, 10).replace(/-/g, '');
}
