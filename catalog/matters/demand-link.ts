/**
 * Demands come from 事项: a 附件2 demand may name the 事项 (and its material) it is for, and the
 * gap list groups the unmet ones by 事项 and by the department that filed them.
 */
import type { Db } from '../../core/db';
import { DemandMatch, matchDemands } from '../demands';
import type { Principal } from '../principal';
import type { FieldError } from '../validation';
import * as repo from './repository';
import { departments } from './service';

/** The demand's 事项 and material must exist; null when they do (or none is named). */
export async function checkDemandMatter(db: Db, body: { matter_code?: string; material_name?: string }): Promise<FieldError | null> {
  if (!body.matter_code) return body.material_name ? { field: 'matter_code', reason: '填写材料名称时须填写事项编码' } : null;
  const matter = await repo.getMatter(db, body.matter_code);
  if (!matter) return { field: 'matter_code', reason: `事项编码 ${body.matter_code} 不存在` };
  if (body.material_name && !(await repo.materialsOf(db, [matter.code])).some((m) => m.name === body.material_name)) {
    return { field: 'material_name', reason: `事项 ${matter.code} 没有材料“${body.material_name}”` };
  }
  return null;
}

export interface GapGroup {
  matter_code: string | null;
  matter_name: string | null;
  department_code: string;
  department_name: string | null;
  demands: DemandMatch[];
}

/** Unmet demands grouped by (事项, filing department); demands naming no 事项 come last. */
export async function gapsByMatter(db: Db, p: Principal): Promise<GapGroup[]> {
  const gaps = await matchDemands(db, p, true);
  const depts = await departments(db);
  const names = new Map((await repo.mattersByCodes(db, [...new Set(gaps.map((g) => g.matter_code).filter((c): c is string => c !== null))])).map((m) => [m.code, m.name]));
  const groups = new Map<string, GapGroup>();
  for (const g of gaps) {
    const key = `${g.matter_code ?? '\uffff'}|${g.department_code}`;
    if (!groups.has(key)) {
      groups.set(key, { matter_code: g.matter_code, matter_name: g.matter_code ? names.get(g.matter_code) ?? null : null, department_code: g.department_code, department_name: depts.byCode.get(g.department_code) ?? null, demands: [] });
    }
    groups.get(key)!.demands.push(g);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
}
