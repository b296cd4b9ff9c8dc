/**
 * A registration is valid when it passes the JSON Schema and the rules a schema cannot say:
 * the code agrees with the classification, the provider exists, fields and methods are unique,
 * no method has a reserved name, no method already belongs to another resource, the library
 * (key, unique items) is declared when the resource has one and a revision does not narrow it.
 */
import type { Knex } from 'knex';
import type { Db } from '../core/db';
import type { Registration } from './resources';
import { FieldError, schemaErrors, ValidationFailed } from './validation';
import { libraryChangeErrorsOf, libraryDeclarationErrors } from './libraries';

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
  if (reg.share_mode === '接口' && (reg.interfaces ?? []).length === 0) errs.push({ field: 'interfaces', reason: '共享方式为接口时至少登记 1 个服务接口' });
  errs.push(...libraryDeclarationErrors(reg));
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
