/**
 * A registration is valid when it passes the JSON Schema and the rules a schema cannot say:
 * the code agrees with the classification, the provider exists, fields and methods are unique,
 * no method has a reserved name, no method already belongs to another resource, the library
 * (key, unique items) is declared when the resource has one and a revision does not narrow it.
 */
import type { Knex } from 'knex';
import type { Db } from '../core/db';
import type { InterfaceSpec, Registration } from './resources';
import { FieldError, schemaErrors, ValidationFailed } from './validation';
import { lookupSpec } from '../core/registry';
import { hasLibrary, libraryChangeErrorsOf, libraryDeclarationErrors } from './libraries';

const CATEGORY_LEI: Record<string, string> = { 基础: '1', 主题: '2', 部门: '3' };

/**
 * Names every JavaScript object already answers to (constructor, toString, __proto__ …): a
 * method so named would be found in any lookup table keyed by method name.
 */
export const RESERVED_METHOD_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

function crossFieldErrors(reg: Registration): FieldError[] {
  const errs: FieldError[] = [];
  const c = reg.classification;
  if (CATEGORY_LEI[reg.category] !== c.lei) errs.push({ field: 'classification.lei', reason: `资源分类“${reg.category}”对应的类应为 ${CATEGORY_LEI[reg.category]}` });
  if (c.ximu && !c.mu) errs.push({ field: 'classification.ximu', reason: '有细目时必须有目' });
  const prefix = c.lei + c.xiang + (c.mu ?? '') + (c.ximu ?? '');
  if (reg.code.split('/')[0] !== prefix) errs.push({ field: 'code', reason: `资源代码的分类码应为 ${prefix}（类/项/目/细目）` });
  const fields = new Set<string>();
  reg.items.forEach((it, i) => {
    if (fields.has(it.field)) errs.push({ field: `items.${i}.field`, reason: `字段名 ${it.field} 重复` });
    fields.add(it.field);
  });
  const methods = new Set<string>();
  (reg.interfaces ?? []).forEach((f, i) => {
    if (RESERVED_METHOD_NAMES.has(f.method)) errs.push({ field: `interfaces.${i}.method`, reason: `方法名 ${f.method} 是保留名称，不能使用` });
    else if (methods.has(f.method)) errs.push({ field: `interfaces.${i}.method`, reason: `方法名 ${f.method} 重复` });
    methods.add(f.method);
  });
  (reg.interfaces ?? []).forEach((f, i) => errs.push(...queryErrors(reg, f, `interfaces.${i}`)));
  if (reg.share_mode === '接口' && (reg.interfaces ?? []).length === 0) errs.push({ field: 'interfaces', reason: '共享方式为接口时至少登记 1 个服务接口' });
  errs.push(...libraryDeclarationErrors(reg));
  return errs;
}

/** Items a query may match exactly: text, dates and times (numbers and blobs have no exact text form). */
const QUERYABLE_TYPES = new Set(['C', 'D', 'T']);

/**
 * A generic lookup's declaration: its parameters name items of this resource, each check fits
 * its item, and a call always names something — a required parameter or one of the groups —
 * so that no call can list the library.
 */
function queryErrors(reg: Registration, f: InterfaceSpec, at: string): FieldError[] {
  const q = f.query;
  if (!q) return [];
  const errs: FieldError[] = [];
  if (lookupSpec(f.method)) errs.push({ field: `${at}.method`, reason: `方法 ${f.method} 是网关内置的附件3接口，不能声明通用查询` });
  if (!hasLibrary(reg)) errs.push({ field: `${at}.query`, reason: `共享方式为${reg.share_mode}的资源没有库表，不能声明查询` });
  if (f.params) errs.push({ field: `${at}.params`, reason: '声明了查询（query）的接口，请求参数由查询声明生成，不再另填 params' });
  if (f.fields) errs.push({ field: `${at}.fields`, reason: '声明了查询（query）的接口返回本资源的信息项，不再另填 fields' });
  const items = new Map(reg.items.map((it) => [it.field, it]));
  const names = new Set<string>();
  const queried = new Map<string, string>();
  q.params.forEach((p, j) => {
    const here = `${at}.query.params.${j}`;
    if (names.has(p.name)) errs.push({ field: `${here}.name`, reason: `参数名 ${p.name} 重复` });
    else if (queried.has(p.item)) errs.push({ field: `${here}.item`, reason: `信息项 ${p.item} 已由参数 ${queried.get(p.item)} 查询` });
    names.add(p.name);
    if (!queried.has(p.item)) queried.set(p.item, p.name);
    const item = items.get(p.item);
    if (!item) errs.push({ field: `${here}.item`, reason: `信息项 ${p.item} 不是本资源的信息项` });
    else if (!QUERYABLE_TYPES.has(item.data_type)) errs.push({ field: `${here}.item`, reason: `信息项 ${p.item}（${item.name}）不是字符、日期或日期时间型，不能精确查询` });
    if (p.date_format && p.check !== '日期') errs.push({ field: `${here}.date_format`, reason: '只有校验规则为“日期”的参数才有日期格式' });
    if (p.check === '代码' && !p.codes === !p.code_list) errs.push({ field: `${here}.codes`, reason: '校验规则为“代码”时须且只能给出 codes（代码值）或 code_list（代码表）之一' });
    if (p.check !== '代码' && (p.codes || p.code_list)) errs.push({ field: `${here}.check`, reason: '给出了代码或代码表时校验规则应为“代码”' });
  });
  const grouped = new Set<string>();
  (q.one_of ?? []).forEach((group, g) => {
    group.forEach((name, k) => {
      if (!names.has(name)) errs.push({ field: `${at}.query.one_of.${g}.${k}`, reason: `参数 ${name} 未在 params 中声明` });
      else if (q.params.find((p) => p.name === name)?.required) errs.push({ field: `${at}.query.one_of.${g}.${k}`, reason: `参数 ${name} 已是必填，不能再列入分组` });
      grouped.add(name);
    });
  });
  if (!q.params.some((p) => p.required) && grouped.size === 0) errs.push({ field: `${at}.query.params`, reason: '至少一个参数须为必填（required），或以 one_of 声明须提供的参数分组' });
  return errs;
}

async function storeErrors(db: Db | Knex, reg: Registration): Promise<FieldError[]> {
  const errs: FieldError[] = [];
  if (!(await db('departments').where({ code: reg.provider_code }).first('code'))) errs.push({ field: 'provider_code', reason: `部门 ${reg.provider_code} 不存在` });
  const ifaces = reg.interfaces ?? [];
  if (ifaces.length > 0) {
    const taken = (await db('interfaces').whereIn('method', ifaces.map((i) => i.method)).whereNot('resource_code', reg.code).select('method', 'resource_code')) as Array<{ method: string; resource_code: string }>;
    ifaces.forEach((f, i) => {
      const t = taken.find((x) => x.method === f.method);
      if (t) errs.push({ field: `interfaces.${i}.method`, reason: `方法名 ${f.method} 已属于资源 ${t.resource_code}` });
    });
  }
  errs.push(...(await libraryChangeErrorsOf(db, reg))); // a revision may not narrow its published library
  return errs;
}

/** Throws ValidationFailed listing every error; returns the typed registration otherwise. */
export async function validateRegistration(db: Db | Knex, body: unknown): Promise<Registration> {
  const errs = schemaErrors('resource', body);
  if (errs.length > 0) throw new ValidationFailed('资源登记', errs);
  const reg = body as Registration;
  const more = [...crossFieldErrors(reg), ...(await storeErrors(db, reg))];
  if (more.length > 0) throw new ValidationFailed('资源登记', more);
  return reg;
}
