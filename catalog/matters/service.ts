/**
 * The 事项数据需求清单 service: 事项 and their materials with their 可免提交 state, edits by
 * the owning department or the operator, and the seeding of the 214 licensing items.
 * Anyone may read the list (it is the portal's); departments edit their own 事项' materials,
 * the operator edits all and adds 事项.
 */
import type { Db } from '../../core/db';
import { ApiError } from '../../core/result-codes';
import { queryParams } from '../../core/http';
import { listConsumers } from '../consumers';
import { parseDepartments, parseLicensingItems } from '../gazette';
import { grantsInForce } from '../grants';
import type { Principal } from '../principal';
import { requireRole } from '../principal';
import { exportRegistrations } from '../transfer';
import { FieldError, ValidationFailed } from '../validation';
import { connectedMethods } from './connection';
import { Coverage, CoverageFacts, coverageOf } from './coverage';
import * as repo from './repository';
import type { Material, MaterialInput, Matter } from './repository';
import { checkMaterial, checkMatter, Departments } from './rules';

export interface MaterialView extends Material {
  provider_name: string | null;
  coverage: Coverage;
}

export interface MatterView extends Matter {
  department_name: string | null;
  materials: MaterialView[];
  exempt: number; // materials 可免提交
}

/** Seeds the 214 licensing items of 附件4 as 事项 (code XK001 …). Idempotent. */
export async function seedMatters(db: Db): Promise<number> {
  const codeOf = new Map(parseDepartments().map((d) => [d.name, d.code]));
  const items = parseLicensingItems();
  await repo.upsertMatters(db, items.map((it) => ({ code: it.code, name: it.name, department_code: codeOf.get(it.department)!, kind: '行政许可', source: 'gazette' as const })));
  return items.length;
}

export async function departments(db: Db): Promise<Departments> {
  const rows = await repo.departmentNames(db);
  return { byCode: new Map(rows.map((r) => [r.code, r.name])), byName: new Map(rows.map((r) => [r.name, r.code])) };
}

/** What coverage needs to know, read once per request. */
export async function coverageFacts(db: Db, now = Date.now()): Promise<CoverageFacts> {
  const [resources, connected, consumers, grants] = await Promise.all([
    exportRegistrations(db),
    connectedMethods(db),
    listConsumers(db),
    grantsInForce(db, now),
  ]);
  const deptOf = new Map(consumers.filter((c) => !c.disabled && c.departmentCode).map((c) => [c.id, c.departmentCode!]));
  const grantedItems: CoverageFacts['grantedItems'] = new Map();
  for (const g of grants) {
    const dept = deptOf.get(g.consumer_id);
    if (!dept) continue;
    if (!grantedItems.has(dept)) grantedItems.set(dept, new Map());
    const byResource = grantedItems.get(dept)!;
    if (!byResource.has(g.resource_code)) byResource.set(g.resource_code, new Set());
    for (const item of g.items) byResource.get(g.resource_code)!.add(item);
  }
  return { resources, connected, grantedItems };
}

function view(m: Matter, materials: Material[], facts: CoverageFacts, depts: Departments): MatterView {
  const views = materials.map((x) => ({ ...x, provider_name: depts.byCode.get(x.provider_code) ?? null, coverage: coverageOf(x, m.department_code, facts) }));
  return { ...m, department_name: depts.byCode.get(m.department_code) ?? null, materials: views, exempt: views.filter((v) => v.coverage.exempt).length };
}

/** The given 事项 with their materials and each material's 可免提交 state, facts read once. */
export async function matterViews(db: Db, matters: Matter[]): Promise<MatterView[]> {
  const [facts, depts, materials] = await Promise.all([coverageFacts(db), departments(db), repo.materialsOf(db, matters.map((m) => m.code))]);
  const byMatter = new Map<string, Material[]>();
  for (const x of materials) {
    if (!byMatter.has(x.matter_code)) byMatter.set(x.matter_code, []);
    byMatter.get(x.matter_code)!.push(x);
  }
  return matters.map((m) => view(m, byMatter.get(m.code) ?? [], facts, depts));
}

export interface MatterQuery extends repo.MatterFilter {
  page: number;
  pageSize: number;
}

export function parseMatterQuery(qs: Record<string, unknown>): MatterQuery {
  const { text: s, int } = queryParams(qs);
  const department = s('department');
  if (department !== undefined && !/^ZC\d{3}$/.test(department)) throw new ApiError('BAD_PARAM', '部门代码形如 ZC005', 'department');
  const withMaterials = s('with_materials');
  if (withMaterials !== undefined && withMaterials !== '0' && withMaterials !== '1') throw new ApiError('BAD_PARAM', '应为 0 或 1', 'with_materials');
  return { q: s('q'), department, withMaterials: withMaterials === '1', page: int('page', 1, 1000), pageSize: int('page_size', 50, 300) };
}

export async function listMatters(db: Db, q: MatterQuery) {
  const [total, matters] = await Promise.all([repo.countMatters(db, q), repo.findMatters(db, q, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize })]);
  return { total, page: q.page, page_size: q.pageSize, results: await matterViews(db, matters) };
}

async function requireMatter(db: Db, code: string): Promise<Matter> {
  const m = await repo.getMatter(db, code);
  if (!m) throw new ApiError('NOT_FOUND', `事项 ${code} 不存在`, 'code');
  return m;
}

export async function showMatter(db: Db, code: string): Promise<MatterView> {
  const [v] = await matterViews(db, [await requireMatter(db, code)]);
  return v;
}

/** The operator edits every 事项; a department those it implements (实施部门). */
export function requireEditor(p: Principal, m: Matter): void {
  requireRole(p, 'operator', 'department');
  if (p.role === 'department' && p.dept !== m.department_code) throw new ApiError('FORBIDDEN', `事项 ${m.code} 不由本部门实施，只能维护本部门事项的材料`);
}

function failIfAny(what: string, errors: FieldError[]): void {
  if (errors.length > 0) throw new ValidationFailed(what, errors);
}

export async function addMatter(db: Db, p: Principal, body: unknown): Promise<MatterView> {
  requireRole(p, 'operator');
  const checked = checkMatter(body, await departments(db));
  failIfAny('事项', checked.errors);
  const m = checked.value!;
  if (await repo.getMatter(db, m.code)) throw new ValidationFailed('事项', [{ field: 'code', reason: `事项编码 ${m.code} 已存在` }]);
  await repo.insertMatter(db, m);
  return showMatter(db, m.code);
}

async function checkedMaterial(db: Db, matter: Matter, body: unknown, exceptId?: number): Promise<MaterialInput> {
  const checked = checkMaterial(body, await departments(db));
  failIfAny('申请材料', checked.errors);
  const same = (await repo.materialsOf(db, [matter.code])).find((x) => x.name === checked.value!.name && x.id !== exceptId);
  if (same) throw new ValidationFailed('申请材料', [{ field: 'name', reason: `事项 ${matter.code} 已有材料“${same.name}”` }]);
  return checked.value!;
}

export async function addMaterial(db: Db, p: Principal, code: string, body: unknown): Promise<MatterView> {
  const m = await requireMatter(db, code);
  requireEditor(p, m);
  await repo.insertMaterial(db, code, await checkedMaterial(db, m, body));
  return showMatter(db, code);
}

export async function editMaterial(db: Db, p: Principal, code: string, id: number, body: unknown): Promise<MatterView> {
  const m = await requireMatter(db, code);
  requireEditor(p, m);
  if (!(await repo.getMaterial(db, code, id))) throw new ApiError('NOT_FOUND', `事项 ${code} 没有材料 ${id}`, 'id');
  await repo.updateMaterial(db, code, id, await checkedMaterial(db, m, body, id));
  return showMatter(db, code);
}

export async function removeMaterial(db: Db, p: Principal, code: string, id: number): Promise<MatterView> {
  const m = await requireMatter(db, code);
  requireEditor(p, m);
  if ((await repo.deleteMaterial(db, code, id)) === 0) throw new ApiError('NOT_FOUND', `事项 ${code} 没有材料 ${id}`, 'id');
  return showMatter(db, code);
}

export interface MaterialGap {
  matter_code: string;
  matter_name: string;
  department_code: string;
  department_name: string | null;
  material: string;
  provider_name: string | null;
  missing_names: string[];
}

/** The materials not yet 可免提交, each with what is missing: the operator's gap list beside the unmet demands. */
export async function materialGaps(db: Db): Promise<MaterialGap[]> {
  const views = await matterViews(db, await repo.findMatters(db, { withMaterials: true }));
  return views.flatMap((m) =>
    m.materials.filter((x) => !x.coverage.exempt).map((x) => ({
      matter_code: m.code, matter_name: m.name, department_code: m.department_code, department_name: m.department_name,
      material: x.name, provider_name: x.provider_name, missing_names: x.coverage.missing_names,
    })),
  );
}
