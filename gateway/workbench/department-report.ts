/**
 * The per-department report (运维 → 部门报表): for each department, its resources registered,
 * published and with data, their freshness against the 更新周期 they declare, the success of
 * its sync runs over the last 30 days, and the open demands addressed to it that are met.
 * Gathered from the owning modules (catalog/resources, catalog/demands, adapters/sync) and
 * exportable as CSV or XLSX.
 *
 * "With data" and freshness are each published resource's data state (catalog/data-state.ts, as
 * the portal shows it): 已接入, and overdue or not against its 更新周期.
 */
import type { Db } from '../../core/db';
import { listJobs } from '../../adapters/sync/jobs';
import { runSummaries } from '../../adapters/sync/runs';
import { dataStateOf } from '../../catalog/data-state';
import { addressedDemandCounts } from '../../catalog/demands';
import { listDepartments, providerOf, publishedRegistrations, resourceCountsByProvider } from '../../catalog/resources';
import { SheetFormat, writeSheet } from '../../catalog/matters/sheets';

export const SYNC_WINDOW_DAYS = 30;
const DAY_MS = 86400000;

export interface DepartmentRow {
  department_code: string;
  department_name: string;
  registered: number;
  published: number;
  with_data: number;
  /** with data and updated within their 更新周期, or overdue */
  fresh: number;
  stale: number;
  sync_runs: number;
  sync_succeeded: number;
  /** succeeded / runs, 4 decimals; null without runs */
  sync_rate: number | null;
  demands: number;
  demands_met: number;
}

export interface DepartmentReport {
  generated_at: number;
  sync_window_days: number;
  departments: DepartmentRow[];
}

const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 10000) / 10000);

export async function departmentReport(db: Db, only?: string, now = Date.now()): Promise<DepartmentReport> {
  const departments = (await listDepartments(db)).filter((d) => only === undefined || d.code === only);
  const [counts, jobs, summaries, demands] = await Promise.all([
    resourceCountsByProvider(db),
    listJobs(db),
    runSummaries(db, now - SYNC_WINDOW_DAYS * DAY_MS),
    addressedDemandCounts(db, departments),
  ]);
  const summaryOf = new Map(summaries.map((s) => [s.jobId, s]));
  const rows = new Map<string, DepartmentRow>(
    departments.map((d) => {
      const c = counts.get(d.code) ?? { registered: 0, published: 0 };
      const m = demands.get(d.code) ?? { total: 0, met: 0 };
      return [d.code, { department_code: d.code, department_name: d.name, ...c, with_data: 0, fresh: 0, stale: 0, sync_runs: 0, sync_succeeded: 0, sync_rate: null, demands: m.total, demands_met: m.met }];
    }),
  );

  // with data: 已接入; fresh unless overdue against the 更新周期
  for (const reg of await publishedRegistrations(db, only)) {
    const row = rows.get(reg.provider_code);
    const state = row ? await dataStateOf(db, reg.code, reg.update_cycle, now) : null;
    if (!row || state?.state !== '已接入') continue;
    row.with_data += 1;
    if (state.overdue) row.stale += 1;
    else row.fresh += 1;
  }

  // sync runs: a job belongs to the department it names, else to the provider of the resource it fills (as the sync page does)
  for (const j of jobs) {
    const s = summaryOf.get(j.job.id);
    const row = s ? rows.get(j.job.department ?? (await providerOf(db, j.job.library.resourceCode)) ?? '') : undefined;
    if (!row || !s) continue;
    row.sync_runs += s.runs;
    row.sync_succeeded += s.succeeded;
  }
  for (const row of rows.values()) row.sync_rate = ratio(row.sync_succeeded, row.sync_runs);
  return { generated_at: now, sync_window_days: SYNC_WINDOW_DAYS, departments: [...rows.values()] };
}

const HEADER = ['部门代码', '部门名称', '登记资源', '已发布', '有数据', '按周期更新', '超期未更新', `近${SYNC_WINDOW_DAYS}天同步次数`, '同步成功', '同步成功率', '收到需求', '已满足需求'];

export async function writeDepartmentReport(r: DepartmentReport, format: SheetFormat): Promise<Buffer> {
  const at = new Date(r.generated_at);
  const date = `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}`;
  return writeSheet(
    {
      title: '部门资源与数据情况统计表',
      notes: [`统计日期：${date}；“有数据”指已接入数据的已发布资源，“超期未更新”指最近一次同步成功距今超过其更新周期`],
      header: HEADER,
      rows: r.departments.map((d) => [
        d.department_code, d.department_name, d.registered, d.published, d.with_data, d.fresh, d.stale,
        d.sync_runs, d.sync_succeeded, d.sync_rate === null ? '—' : `${(d.sync_rate * 100).toFixed(1)}%`, d.demands, d.demands_met,
      ]),
      widths: [10, 24, 10, 10, 10, 12, 12, 16, 10, 12, 10, 12],
    },
    format,
  );
}
