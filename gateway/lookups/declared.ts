/**
 * Generic lookups: the methods a published registration declares with a `query` (its
 * parameters, the items they match exactly, required parameters and one-of groups, a check
 * per parameter). Each is a LookupMethod like the six of 附件3, so the one pipeline
 * authenticates, validates, rate-limits, authorises, masks and audits it the same way; it reads
 * the resource's library (gateway/lookups/resource-libraries.ts). A method whose library has
 * never completed a full sync answers 503 数据尚未接入, before any grant is looked at: the
 * state is public (listMethods shows it), and a 404 would tell a clerk "no such record".
 */
import type { ValidateFunction } from 'ajv';
import type { Db } from '../../core/db';
import { lookupSpec, type MaskKind } from '../../core/registry';
import { ApiError, badParam } from '../../core/result-codes';
import { compileSchema } from '../../core/validation';
import { registrationOf } from '../../catalog/access';
import { publishedResourceOfMethod, type InterfaceSpec, type QueryParam, type Registration } from '../../catalog/resources';
import { declaredParams, declaredSchema } from '../../catalog/lookup-declarations';
import { declaredQueryKey } from '../auditing/query-key';
import { isConnected, libraryOfResource, type ResourceLibrary } from '../../catalog/libraries';
import type { LookupMethod } from './methods';
import { answerColumns, findByItems } from './resource-libraries';
import { checkWith, requireDeclared } from './validation';

export interface DeclaredParams {
  given: Array<{ name: string; item: string; check?: string; value: string }>;
}

export interface DeclaredLookup extends LookupMethod<DeclaredParams> {
  /** authorised by grants alone: a token's method list names the fixed methods of its consumer */
  declared: true;
  /** how its items are masked where the registry does not say */
  maskKinds: ReadonlyMap<string, MaskKind | 'date'>;
  /** throws 503 数据尚未接入 unless its library has completed a full sync */
  ensureConnected(): Promise<void>;
}

/** One cache per store (a process, or a test, may hold several). */
function cacheOf<V>(caches: WeakMap<Db, Map<string, V>>, db: Db): Map<string, V> {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = new Map()));
  return c;
}

interface Compiled {
  validate: ValidateFunction;
  params: QueryParam[];
  groups: string[][];
  /** how a parameter is named to the caller: gmsfzh（公民身份号码） */
  label: (name: string) => string;
}

/** Compiled declarations by store, resource row, its last change and method (a published row does not change). */
const compiledByDb = new WeakMap<Db, Map<string, Compiled>>();
const COMPILED_MAX = 1000;

function compile(db: Db, key: string, reg: Registration, spec: InterfaceSpec): Compiled {
  const compiled = cacheOf(compiledByDb, db);
  let c = compiled.get(key);
  if (c) return c;
  const { oneOf: _groupsAreCheckedBelow, ...shape } = declaredSchema(reg, spec);
  const names = new Map(declaredParams(reg, spec).map((p) => [p.name, `${p.name}（${p.itemName}）`]));
  c = {
    validate: compileSchema(shape),
    params: spec.query!.params,
    groups: spec.query!.one_of ?? [],
    label: (name) => names.get(name) ?? name,
  };
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound of a cache: only memory and speed differ
  if (compiled.size >= COMPILED_MAX) compiled.clear();
  compiled.set(key, c);
  return c;
}

/**
 * A published row's library: recorded in the transaction that published the row, changed only
 * by publishing another row (a new id) — so it is read once per row and last change.
 */
const libraries = new WeakMap<Db, Map<string, ResourceLibrary | null>>();

async function libraryOfRow(db: Db, key: string, code: string): Promise<ResourceLibrary | null> {
  const cache = cacheOf(libraries, db);
  if (cache.has(key)) return cache.get(key)!;
  const lib = await libraryOfResource(db, code);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound of a cache: only memory and speed differ
  if (cache.size >= COMPILED_MAX) cache.clear();
  cache.set(key, lib);
  return lib;
}

/** Libraries seen connected, until when: a library stays connected once its job ran, so this is only re-asked now and then. */
const connectedUntil = new WeakMap<Db, Map<string, number>>();
const CONNECTED_RECHECK_MS = 1000;

async function connected(db: Db, code: string, now = Date.now()): Promise<boolean> {
  const cache = cacheOf(connectedUntil, db);
  if ((cache.get(code) ?? 0) > now) return true;
  const yes = await isConnected(db, code);
  if (yes) cache.set(code, now + CONNECTED_RECHECK_MS);
  else cache.delete(code);
  return yes;
}

/** Exactly one group given whole, and no parameter of another group: otherwise a 400 naming the groups. */
function checkGroups(c: Compiled, given: ReadonlySet<string>): void {
  if (c.groups.length === 0) return;
  const whole = c.groups.filter((g) => g.every((n) => given.has(n)));
  const chosen = whole.length === 1 ? new Set(whole[0]) : null;
  const stray = chosen ? c.groups.flat().some((n) => given.has(n) && !chosen.has(n)) : true;
  if (!stray) return;
  const choices = c.groups.map((g) => g.map(c.label).join(' 与 ')).join('，或 ');
  throw badParam(c.label(c.groups[0][0]), `须且只能提供以下一组参数：${choices}`);
}

function maskKindsOf(reg: Registration, params: readonly QueryParam[]): Map<string, MaskKind | 'date'> {
  const kinds = new Map<string, MaskKind | 'date'>();
  for (const i of reg.items) if (i.data_type === 'D') kinds.set(i.field, 'date');
  for (const p of params) if (p.check === '公民身份号码' || p.check === '持证主体代码') kinds.set(p.item, 'id-number');
  return kinds;
}

/**
 * The generic lookup a published registration declares under this name, or null when no
 * published resource has the method (a fixed method is never one). An interface published
 * without a query declaration has no data path: every call to it answers 503.
 */
export async function declaredLookup(db: Db, method: string): Promise<DeclaredLookup | null> {
  if (lookupSpec(method)) return null;
  const resource = await publishedResourceOfMethod(db, method);
  if (!resource) return null;
  const reg = await registrationOf(db, Number(resource.id), Number(resource.updated_at));
  const spec = reg?.interfaces?.find((i) => i.method === method);
  if (!reg || !spec) return null;
  const code = reg.code;
  const base = { name: method, title: spec.name, interfaces: ['json', 'soap'] as const, declared: true as const };
  if (!spec.query) {
    return {
      ...base,
      interfaces: ['json'],
      fields: reg.items.map((i) => i.field),
      maskKinds: new Map(),
      parse: () => {
        throw new ApiError('NOT_CONNECTED', '接口未声明查询参数');
      },
      queryKey: () => method,
      ensureConnected: async () => undefined,
      run: async () => [],
    };
  }
  const row = `${resource.id}:${resource.updated_at}`;
  const c = compile(db, `${row}:${method}`, reg, spec);
  const library = await libraryOfRow(db, row, code);
  return {
    ...base,
    // the answer: the library's items that are not hidden (before its first sync, the registration's)
    fields: library ? answerColumns(library).map((col) => col.field) : reg.items.map((i) => i.field),
    maskKinds: maskKindsOf(reg, c.params),
    parse(raw) {
      const p = checkWith<Record<string, string>>(c.validate, raw, undefined, c.label);
      checkGroups(c, new Set(Object.keys(p)));
      return {
        given: c.params.filter((d) => p[d.name] !== undefined).map((d) => ({ name: d.name, item: d.item, check: d.check, value: requireDeclared(c.label(d.name), p[d.name], d) })),
      };
    },
    // audited under the kind of key its declaration checks (公民身份号码 …), so "who looked me up" finds it
    queryKey: (p) => declaredQueryKey(method, p.given),
    async ensureConnected() {
      if (!library || !(await connected(db, code))) throw new ApiError('NOT_CONNECTED');
    },
    async run(_base, p) {
      return findByItems(db, library!, new Map(p.given.map((g) => [g.item, g.value])));
    },
  };
}

/** A name a registration may give a method (schemas/resource.schema.json): anything else is no method. */
const DECLARABLE_NAME = /^[a-z][A-Za-z0-9]{1,63}$/;

export function isDeclarableName(name: string): boolean {
  return DECLARABLE_NAME.test(name);
}
