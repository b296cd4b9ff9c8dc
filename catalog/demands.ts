/**
 * Sharing demands (附件2 政务信息资源共享需求调研表) and 供需对接: each demand is matched to
 * published resources and their items; what nothing covers is the operator's gap list.
 */
import type { Db } from '../core/db';
import { ApiError } from '../core/result-codes';
import type { Principal } from './principal';
import { requireOwnDepartment, requireRole } from './principal';
import { departmentName, publishedWithProviders } from './resources';
import type { Registration } from './resources';
import { schemaErrors, ValidationFailed } from './validation';
import { checkDemandMatter } from './matters/demand-link';

export interface DemandBody {
  contact: string; // 联系人
  phone: string; // 联系电话
  provider_name: string; // 信息资源提供部门
  resource_name: string; // 信息资源名称
  item_names: string[]; // 信息项名称
  scenario: string; // 应用场景
  frequency: string; // 使用频率
  system_name: string; // 应用系统名称
  system_network: string; // 应用系统网络
  matter_code?: string; // the 事项 the demand is for (事项数据需求清单)
  material_name?: string; // and the material of that 事项 it would replace
}

export interface Demand {
  id: number;
  department_code: string; // 需求单位
  body: DemandBody;
  status: string;
  created_at: number;
}

export interface DemandMatch {
  demand_id: number;
  department_code: string;
  resource_name: string;
  provider_name: string;
  resource_code: string | null;
  covered: Array<{ item_name: string; field: string }>;
  missing: string[];
  matter_code: string | null;
  material_name: string | null;
}

interface DemandRow {
  id: number;
  department_code: string;
  body: string;
  status: string;
  created_at: number | string;
}

const toDemand = (r: DemandRow): Demand => ({ id: Number(r.id), department_code: r.department_code, body: JSON.parse(r.body) as DemandBody, status: r.status, created_at: Number(r.created_at) });

export async function fileDemand(db: Db, p: Principal, body: unknown): Promise<Demand> {
  requireRole(p, 'department');
  const errs = schemaErrors('demand', body);
  if (errs.length > 0) throw new ValidationFailed('共享需求', errs);
  const forMatter = await checkDemandMatter(db, body as DemandBody);
  if (forMatter) throw new ValidationFailed('共享需求', [forMatter]);
  const [id] = await db('demands').insert({ department_code: p.dept, body: JSON.stringify(body), status: 'open', created_at: Date.now() });
  return toDemand((await db('demands').where({ id: Number(id) }).first()) as DemandRow);
}

/** The 附件2 form: several rows for one filing unit. */
export interface DemandForm {
  /** the filing unit; an officer's own department when absent, required when the operator enters a form on a unit's behalf */
  department_code?: string;
  rows: DemandBody[];
}

export const MAX_FORM_ROWS = 50;

/**
 * Files a whole 附件2 form, all rows or none: an officer for their own department, the operator
 * on behalf of any registered unit. Every bad cell is reported at rows.N.field.
 */
export async function fileDemandForm(db: Db, p: Principal, body: unknown): Promise<Demand[]> {
  requireRole(p, 'department', 'operator');
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  let dept: string;
  if (p.role === 'department' && (b.department_code === undefined || b.department_code === '')) dept = p.dept;
  else {
    if (typeof b.department_code !== 'string' || !/^ZC\d{3}$/.test(b.department_code)) throw new ValidationFailed('共享需求调研表', [{ field: 'department_code', reason: '请选择需求单位' }]);
    requireOwnDepartment(p, b.department_code, '填报');
    if ((await departmentName(db, b.department_code)) === null) throw new ValidationFailed('共享需求调研表', [{ field: 'department_code', reason: '需求单位未登记' }]);
    dept = b.department_code;
  }
  if (!Array.isArray(b.rows) || b.rows.length === 0 || b.rows.length > MAX_FORM_ROWS) {
    throw new ValidationFailed('共享需求调研表', [{ field: 'rows', reason: `应填写 1 至 ${MAX_FORM_ROWS} 行需求` }]);
  }
  const errors = [];
  for (const [i, row] of b.rows.entries()) {
    const rowErrors = schemaErrors('demand', row);
    if (rowErrors.length === 0) {
      const forMatter = await checkDemandMatter(db, row as DemandBody);
      if (forMatter) rowErrors.push(forMatter);
    }
    errors.push(...rowErrors.map((e) => ({ ...e, field: `rows.${i}.${e.field}` })));
  }
  if (errors.length > 0) throw new ValidationFailed('共享需求调研表', errors);
  const now = Date.now();
  const ids = await db.transaction(async (trx) => {
    const out: number[] = [];
    for (const row of b.rows as DemandBody[]) {
      const [id] = await trx('demands').insert({ department_code: dept, body: JSON.stringify(row), status: 'open', created_at: now });
      out.push(Number(id));
    }
    return out;
  });
  return ((await db('demands').whereIn('id', ids).orderBy('id')) as DemandRow[]).map(toDemand);
}

export async function listDemands(db: Db, p: Principal): Promise<Demand[]> {
  requireRole(p, 'department', 'operator');
  const q = db('demands').orderBy('id');
  if (p.role === 'department') q.where('department_code', p.dept);
  return ((await q) as DemandRow[]).map(toDemand);
}

const norm = (s: string) => s.replace(/\s+/g, '').toLowerCase();

/** Best published resource for a demand: same name first, then a name containing the other, preferring the named provider. */
function bestResource(d: DemandBody, published: Array<{ reg: Registration; provider: string }>): Registration | null {
  const name = norm(d.resource_name);
  const score = (r: { reg: Registration; provider: string }) => {
    const rn = norm(r.reg.name);
    const nameScore = rn === name ? 2 : rn.includes(name) || name.includes(rn) ? 1 : 0;
    if (nameScore === 0) return 0;
    return nameScore * 2 + (norm(r.provider) === norm(d.provider_name) ? 1 : 0);
  };
  let best: Registration | null = null;
  let bestScore = 0;
  for (const r of published) {
    const s = score(r);
    if (s > bestScore) [best, bestScore] = [r.reg, s];
  }
  return best;
}

function matchDemand(d: Demand, published: Array<{ reg: Registration; provider: string }>): DemandMatch {
  const reg = bestResource(d.body, published);
  const covered: DemandMatch['covered'] = [];
  const missing: string[] = [];
  for (const itemName of d.body.item_names) {
    const hit = reg?.items.find((i) => norm(i.name) === norm(itemName) || norm(i.field) === norm(itemName));
    if (hit) covered.push({ item_name: itemName, field: hit.field });
    else missing.push(itemName);
  }
  return {
    demand_id: d.id, department_code: d.department_code, resource_name: d.body.resource_name, provider_name: d.body.provider_name,
    resource_code: reg?.code ?? null, covered, missing, matter_code: d.body.matter_code ?? null, material_name: d.body.material_name ?? null,
  };
}

/** Whether a match is met in full: a published resource with every item asked for. */
export const isMet = (m: DemandMatch): boolean => m.resource_code !== null && m.missing.length === 0;

/** A demand names its provider in words: the department's own name, or a part of it (公安分局 for 区公安分局). */
function namesDepartment(providerName: string, department: string): boolean {
  const a = norm(providerName);
  const b = norm(department);
  return a === b || (a.length >= 2 && b.includes(a));
}

async function openDemands(db: Db): Promise<Demand[]> {
  return ((await db('demands').where({ status: 'open' }).orderBy('id')) as DemandRow[]).map(toDemand);
}

/** The open demands addressed to one department, matched: its officer's or the operator's view. */
export async function demandsAddressedTo(db: Db, p: Principal, code: string): Promise<DemandMatch[]> {
  requireOwnDepartment(p, code, '查看');
  const name = await departmentName(db, code);
  if (name === null) throw new ApiError('NOT_FOUND', '部门不存在', 'department');
  const open = (await openDemands(db)).filter((d) => namesDepartment(d.body.provider_name, name));
  const published = await publishedWithProviders(db);
  return open.map((d) => matchDemand(d, published));
}

/** Per department: the open demands addressed to it and how many are met (the department report). Reads each table once. */
export async function addressedDemandCounts(db: Db, departments: Array<{ code: string; name: string }>): Promise<Map<string, { total: number; met: number }>> {
  const open = await openDemands(db);
  const published = await publishedWithProviders(db);
  const matched = open.map((d) => ({ provider: d.body.provider_name, met: isMet(matchDemand(d, published)) }));
  const out = new Map<string, { total: number; met: number }>();
  for (const dept of departments) {
    const mine = matched.filter((m) => namesDepartment(m.provider, dept.name));
    out.set(dept.code, { total: mine.length, met: mine.filter((m) => m.met).length });
  }
  return out;
}

/** Every open demand matched against the published catalogue; `gaps` keeps those with anything missing. */
export async function matchDemands(db: Db, p: Principal, onlyGaps: boolean): Promise<DemandMatch[]> {
  requireRole(p, 'operator', 'department');
  const demands = await listDemands(db, p);
  const published = await publishedWithProviders(db);
  const matches = demands.filter((d) => d.status === 'open').map((d) => matchDemand(d, published));
  return onlyGaps ? matches.filter((m) => !isMet(m)) : matches;
}
