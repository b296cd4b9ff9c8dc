/**
 * Sharing demands (附件2 政务信息资源共享需求调研表) and 供需对接: each demand is matched to
 * published resources and their items; what nothing covers is the operator's gap list.
 */
import type { Db } from '../core/db';
import type { Principal } from './principal';
import { requireRole } from './principal';
import { publishedWithProviders } from './resources';
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

/** Every open demand matched against the published catalogue; `gaps` keeps those with anything missing. */
export async function matchDemands(db: Db, p: Principal, onlyGaps: boolean): Promise<DemandMatch[]> {
  requireRole(p, 'operator', 'department');
  const demands = await listDemands(db, p);
  const published = await publishedWithProviders(db);
  const matches = demands.filter((d) => d.status === 'open').map((d) => matchDemand(d, published));
  return onlyGaps ? matches.filter((m) => m.resource_code === null || m.missing.length > 0) : matches;
}
