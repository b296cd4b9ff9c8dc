/**
 * The measure (免提交率): per 事项, per department and in total, how many materials there are,
 * how many are 可免提交, their ratio, and how many lookups named each 事项 in a period. This is
 * the figure the district reports upward.
 */
import type { Db } from '../../core/db';
import { ApiError } from '../../core/result-codes';
import { lookupsByMatter } from '../../gateway/auditing/by-matter';
import * as repo from './repository';
import { departments, matterViews } from './service';
import { SheetFormat, writeSheet } from './sheets';

export interface Figures {
  materials: number;
  exempt: number;
  /** exempt / materials, 4 decimals; null when there are no materials */
  rate: number | null;
  lookups: number;
}

export interface MatterFigures extends Figures {
  code: string;
  name: string;
  department_code: string;
  department_name: string | null;
}

export interface DepartmentFigures extends Figures {
  department_code: string;
  department_name: string | null;
  matters: number;
}

export interface Report {
  from: string;
  to: string;
  matters: MatterFigures[];
  departments: DepartmentFigures[];
  total: Figures & { matters: number };
}

const DAY = 86400000;
/** Periods are whole days in 北京时间 (UTC+8). */
const CHINA_OFFSET = 8 * 3600000;

export interface Period {
  fromMs: number;
  toMs: number;
  from: string; // first day
  to: string; // last day (inclusive)
}

const dayOf = (ms: number) => new Date(ms + CHINA_OFFSET).toISOString().slice(0, 10);

function dayStart(v: string, name: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v + 'T00:00:00Z')) || new Date(v + 'T00:00:00Z').toISOString().slice(0, 10) !== v) {
    throw new ApiError('BAD_PARAM', '应为日期 YYYY-MM-DD', name);
  }
  return Date.parse(v + 'T00:00:00Z') - CHINA_OFFSET;
}

/** from/to: YYYY-MM-DD, both inclusive; default the last 30 days up to today. */
export function parsePeriod(from: unknown, to: unknown, now = Date.now()): Period {
  const text = (v: unknown, name: string) => {
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw new ApiError('BAD_PARAM', '应为日期 YYYY-MM-DD', name);
    return v;
  };
  const toDay = text(to, 'to') ?? dayOf(now);
  const toMs = dayStart(toDay, 'to') + DAY;
  const fromDay = text(from, 'from') ?? dayOf(toMs - 30 * DAY);
  const fromMs = dayStart(fromDay, 'from');
  if (fromMs >= toMs) throw new ApiError('BAD_PARAM', '开始日期不能晚于结束日期', 'from');
  if (toMs - fromMs > 3660 * DAY) throw new ApiError('BAD_PARAM', '统计期间不能超过 10 年', 'from');
  return { fromMs, toMs, from: fromDay, to: toDay };
}

const rate = (exempt: number, materials: number) => (materials === 0 ? null : Math.round((exempt / materials) * 10000) / 10000);

/** 事项 that have materials or were named by lookups in the period. */
export async function buildReport(db: Db, period: Period, department?: string): Promise<Report> {
  const lookups = new Map((await lookupsByMatter(db, period.fromMs, period.toMs)).map((l) => [l.matterCode, l.calls]));
  const withMaterials = await repo.findMatters(db, { department, withMaterials: true });
  const extra = await repo.mattersByCodes(db, [...lookups.keys()].filter((c) => !withMaterials.some((m) => m.code === c)));
  const matters = [...withMaterials, ...extra.filter((m) => !department || m.department_code === department)].sort((a, b) => a.code.localeCompare(b.code));
  const views = await matterViews(db, matters);
  const depts = await departments(db);
  const rows: MatterFigures[] = views.map((v) => ({
    code: v.code, name: v.name, department_code: v.department_code, department_name: v.department_name,
    materials: v.materials.length, exempt: v.exempt, rate: rate(v.exempt, v.materials.length), lookups: lookups.get(v.code) ?? 0,
  }));
  const byDept = new Map<string, DepartmentFigures>();
  for (const r of rows) {
    const d = byDept.get(r.department_code) ?? { department_code: r.department_code, department_name: depts.byCode.get(r.department_code) ?? null, matters: 0, materials: 0, exempt: 0, rate: null, lookups: 0 };
    d.matters++;
    d.materials += r.materials;
    d.exempt += r.exempt;
    d.lookups += r.lookups;
    d.rate = rate(d.exempt, d.materials);
    byDept.set(r.department_code, d);
  }
  const sum = (k: 'materials' | 'exempt' | 'lookups') => rows.reduce((n, r) => n + r[k], 0);
  return {
    from: period.from,
    to: period.to,
    matters: rows,
    departments: [...byDept.values()].sort((a, b) => a.department_code.localeCompare(b.department_code)),
    total: { matters: rows.length, materials: sum('materials'), exempt: sum('exempt'), rate: rate(sum('exempt'), sum('materials')), lookups: sum('lookups') },
  };
}

const percent = (r: number | null) => (r === null ? '' : `${(r * 100).toFixed(1)}%`);

/** One sheet: the 事项 rows, then each department's subtotal, then the total. */
export function writeReport(r: Report, format: SheetFormat): Promise<Buffer> {
  const rows: Array<Array<string | number | null>> = [
    ...r.matters.map((m) => ['事项', m.code, m.name, m.department_name, m.materials, m.exempt, percent(m.rate), m.lookups]),
    ...r.departments.map((d) => ['部门小计', d.department_code, `${d.matters} 个事项`, d.department_name, d.materials, d.exempt, percent(d.rate), d.lookups]),
    ['合计', '', `${r.total.matters} 个事项`, '全区', r.total.materials, r.total.exempt, percent(r.total.rate), r.total.lookups],
  ];
  return writeSheet(
    { title: '政务服务事项免提交率统计', notes: [`统计期间：${r.from} 至 ${r.to}（北京时间，查询次数按期间统计）`], header: ['层级', '编码', '名称', '实施部门', '材料数', '可免提交材料数', '免提交率', '查询次数'], rows, widths: [10, 10, 36, 18, 8, 14, 10, 10] },
    format,
  );
}

/** Lookups per 事项 (with its name and department) between two instants: the operator's stats. */
export async function matterStats(db: Db, fromMs: number, toMs: number) {
  const counts = await lookupsByMatter(db, fromMs, toMs);
  const names = new Map((await repo.mattersByCodes(db, counts.map((c) => c.matterCode))).map((m) => [m.code, m]));
  const depts = await departments(db);
  return counts.map((c) => {
    const m = names.get(c.matterCode);
    return { ...c, matterName: m?.name ?? null, departmentCode: m?.department_code ?? null, departmentName: m ? depts.byCode.get(m.department_code) ?? null : null };
  });
}
