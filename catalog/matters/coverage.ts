/**
 * 可免提交: whether the data a material carries can be had from the exchange instead of paper.
 * A material is 可免提交 when one published resource has all its items, a method of that
 * resource serves its 使用方式 and is connected, and a consumer of the 事项's department holds
 * a grant in force of those items. Otherwise the answer says what is missing. Pure: the
 * caller gathers the facts (see service.ts), so a revoked grant or a retired resource shows
 * on the next read.
 */
import type { InterfaceSpec, Registration } from '../resources';
import type { Material, Usage } from './repository';

export type Missing = 'no_resource' | 'no_method' | 'not_connected' | 'no_grant';

export const MISSING_NAMES: Record<Missing, string> = {
  no_resource: '无共享资源',
  no_method: '资源无可用接口',
  not_connected: '接口未接入数据',
  no_grant: '实施部门未获授权',
};

export interface CoverageFacts {
  /** published registrations */
  resources: Registration[];
  connected: (method: string) => boolean;
  /** department code → resource code → items granted in force to its (enabled) consumers */
  grantedItems: Map<string, Map<string, Set<string>>>;
}

export interface Coverage {
  exempt: boolean; // 可免提交
  missing: Missing[];
  /** the same in words, for pages and files */
  missing_names: string[];
  resource_code: string | null;
  resource_name: string | null;
  method: string | null;
  /** material item name → the resource field that replaces it */
  items: Array<{ item: string; field: string | null }>;
}

const norm = (s: string) => s.replace(/\s+/g, '').toLowerCase();

function fieldFor(reg: Registration, item: string): string | null {
  const n = norm(item);
  return reg.items.find((i) => norm(i.name) === n || norm(i.field) === n)?.field ?? null;
}

const isBatch = (i: InterfaceSpec) => /^batch/i.test(i.method) || i.name.includes('批量');
const isVerify = (i: InterfaceSpec) => !isBatch(i) && (i.fields?.length ?? 0) > 0;
const isQuery = (i: InterfaceSpec) => !isBatch(i) && (i.fields?.length ?? 0) === 0;

/** Methods that serve a 使用方式, best first: a query can stand in for a verification. */
function methodsFor(reg: Registration, usage: Usage): InterfaceSpec[] {
  const all = reg.interfaces ?? [];
  const order = usage === '查询' ? [isQuery] : usage === '核验' ? [isVerify, isQuery] : [isBatch, isVerify, isQuery];
  return order.flatMap((pick) => all.filter(pick));
}

export function coverageOf(material: Pick<Material, 'items' | 'usage' | 'provider_code'>, matterDepartment: string, facts: CoverageFacts): Coverage {
  const c = bestCoverage(material, matterDepartment, facts);
  return { ...c, missing_names: c.missing.map((k) => MISSING_NAMES[k]) };
}

function bestCoverage(material: Pick<Material, 'items' | 'usage' | 'provider_code'>, matterDepartment: string, facts: CoverageFacts): Omit<Coverage, 'missing_names'> {
  type Candidate = Omit<Coverage, 'missing_names'>;
  let best: Candidate | null = null;
  let bestMatched = -1;
  const granted = facts.grantedItems.get(matterDepartment);
  for (const reg of facts.resources) {
    const items = material.items.map((item) => ({ item, field: fieldFor(reg, item) }));
    const matched = items.filter((i) => i.field !== null).length;
    if (matched === 0) continue;
    let candidate: Candidate;
    if (matched < items.length) {
      candidate = { exempt: false, missing: ['no_resource'], resource_code: reg.code, resource_name: reg.name, method: null, items };
    } else {
      const methods = methodsFor(reg, material.usage);
      const method = methods.find((m) => facts.connected(m.method)) ?? methods[0];
      const fields = items.map((i) => i.field!);
      const missing: Missing[] = [];
      if (!method) missing.push('no_method');
      else if (!facts.connected(method.method)) missing.push('not_connected');
      const have = granted?.get(reg.code);
      if (!have || !fields.every((f) => have.has(f))) missing.push('no_grant');
      candidate = { exempt: missing.length === 0, missing, resource_code: reg.code, resource_name: reg.name, method: method?.method ?? null, items };
    }
    // full coverage beats partial; fewer gaps beat more; the named provider's resource breaks ties
    const score = (matched === items.length ? 1000 : matched) * 10 - candidate.missing.length * 2 + (reg.provider_code === material.provider_code ? 1 : 0);
    if (score > bestMatched) [best, bestMatched] = [candidate, score];
  }
  return best ?? { exempt: false, missing: ['no_resource'], resource_code: null, resource_name: null, method: null, items: material.items.map((item) => ({ item, field: null })) };
}
