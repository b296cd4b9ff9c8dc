/**
 * The 事项数据需求清单 as a spreadsheet in the layout of the 调研表 (政务服务事项数据共享需求
 * 调研表, 附件1 of 109号; its columns are the plan's: 材料名称, 信息项, 提供单位, 使用方式, 使用
 * 目的, 办理结果): a title row, a 填报部门 row, the header, one row per material. Export then
 * import gives back the same list. An import replaces the materials of every 事项 it names,
 * all at once; a file with any bad cell changes nothing and lists every bad cell.
 */
import type { Db } from '../../core/db';
import { ApiError } from '../../core/result-codes';
import type { Principal } from '../principal';
import { requireRole } from '../principal';
import * as repo from './repository';
import { checkMaterial } from './rules';
import { departments, matterViews } from './service';
import { columnLetter, readSheet, SheetFormat, writeSheet } from './sheets';

export const SURVEY_TITLE = '政务服务事项数据共享需求调研表';

/** Columns of the form; `field` is the material's field a column fills. */
const COLUMNS = [
  { header: '序号', width: 6 },
  { header: '事项编码', width: 10, required: true },
  { header: '事项名称', width: 36 },
  { header: '实施部门', width: 18 },
  { header: '材料名称', width: 20, required: true, field: 'name' },
  { header: '信息项名称', width: 30, required: true, field: 'items' },
  { header: '提供单位', width: 18, required: true, field: 'provider' },
  { header: '使用方式', width: 10, required: true, field: 'usage' },
  { header: '使用目的', width: 30, required: true, field: 'purpose' },
  { header: '办理结果', width: 20 },
] as const;
/** Shown on export, ignored on import: the state is computed, never typed. */
const STATE_COLUMNS = [
  { header: '共享状态', width: 30 },
  { header: '替代接口', width: 24 },
];

type Header = (typeof COLUMNS)[number]['header'];

export interface CellError {
  row: number;
  column: string;
  header: string;
  reason: string;
}

/** 400 whose data lists every bad cell; its message names the first few. */
export class SheetRejected extends ApiError {
  constructor(readonly cells: CellError[]) {
    super('BAD_PARAM', `文件有 ${cells.length} 处错误，未导入任何内容：${cells.slice(0, 3).map(cellMessage).join('；')}${cells.length > 3 ? '……' : ''}`);
  }
}

export const cellMessage = (e: CellError) => `第 ${e.row} 行 ${e.column} 列（${e.header}）：${e.reason}`;

export async function exportSurvey(db: Db, format: SheetFormat, department?: string): Promise<Buffer> {
  const depts = await departments(db);
  const matters = await repo.findMatters(db, { department, withMaterials: true });
  const views = await matterViews(db, matters);
  const rows: Array<Array<string | number | null>> = [];
  for (const m of views) {
    for (const x of m.materials) {
      const c = x.coverage;
      rows.push([
        rows.length + 1, m.code, m.name, m.department_name, x.name, x.items.join('、'), x.provider_name, x.usage, x.purpose, m.result,
        c.exempt ? '可免提交' : '缺：' + c.missing_names.join('、'),
        c.resource_code ? `${c.resource_name}（${c.resource_code}）${c.method ? ' ' + c.method : ''}` : '',
      ]);
    }
  }
  const notes = [`填报部门：${department ? depts.byCode.get(department) ?? department : '全区'}`];
  const all = [...COLUMNS, ...STATE_COLUMNS];
  return writeSheet({ title: SURVEY_TITLE, notes, header: all.map((c) => c.header), rows, widths: all.map((c) => c.width) }, format);
}

export interface ImportReport {
  matters: number;
  materials: number;
}

/** Reads, checks every cell, and replaces the named 事项' materials only if nothing is wrong. */
export async function importSurvey(db: Db, p: Principal, buf: Buffer, format: SheetFormat): Promise<ImportReport> {
  requireRole(p, 'operator', 'department');
  const rows = await readSheet(buf, format);
  const headerAt = rows.findIndex((r) => r.some((c) => c.trim() === '事项编码') && r.some((c) => c.trim() === '材料名称'));
  if (headerAt < 0) throw new SheetRejected([{ row: 1, column: 'A', header: '表头', reason: '找不到表头行（应含“事项编码”“材料名称”等列）' }]);
  const col = new Map<Header, number>();
  rows[headerAt].forEach((c, i) => {
    const h = COLUMNS.find((x) => x.header === c.trim());
    if (h && !col.has(h.header)) col.set(h.header, i);
  });
  const errors: CellError[] = [];
  for (const c of COLUMNS) {
    if ('required' in c && !col.has(c.header)) errors.push({ row: headerAt + 1, column: columnLetter(rows[headerAt].length), header: c.header, reason: '缺少此列' });
  }
  if (errors.length > 0) throw new SheetRejected(errors);

  const depts = await departments(db);
  const cell = (r: string[], h: Header) => (r[col.get(h) ?? -1] ?? '').trim();
  const at = (row: number, h: Header, reason: string) => errors.push({ row, column: columnLetter(col.get(h)!), header: h, reason });
  const dataRows = rows.map((r, i) => ({ r, row: i + 1 })).slice(headerAt + 1).filter(({ r }) => r.some((c) => c.trim() !== ''));
  const codes = [...new Set(dataRows.map(({ r }) => cell(r, '事项编码')).filter((c) => c !== ''))];
  const matters = new Map((await repo.mattersByCodes(db, codes)).map((m) => [m.code, m]));

  const lists = new Map<string, { materials: repo.MaterialInput[]; result?: string | null; names: Set<string> }>();
  for (const { r, row } of dataRows) {
    const code = cell(r, '事项编码');
    const matter = matters.get(code);
    if (code === '') at(row, '事项编码', '事项编码不能为空');
    else if (!matter) at(row, '事项编码', `事项编码 ${code} 不存在`);
    else if (p.role === 'department' && p.dept !== matter.department_code) at(row, '事项编码', `事项 ${code} 不由本部门实施`);
    if (matter && col.has('事项名称') && cell(r, '事项名称') !== '' && cell(r, '事项名称') !== matter.name) at(row, '事项名称', `与事项编码 ${code} 的名称“${matter.name}”不符`);
    const dept = col.has('实施部门') ? cell(r, '实施部门') : '';
    if (matter && dept !== '' && dept !== matter.department_code && dept !== depts.byCode.get(matter.department_code)) at(row, '实施部门', `事项 ${code} 的实施部门是“${depts.byCode.get(matter.department_code)}”`);

    const checked = checkMaterial({ name: cell(r, '材料名称'), items: cell(r, '信息项名称'), provider: cell(r, '提供单位'), usage: cell(r, '使用方式'), purpose: cell(r, '使用目的') }, depts);
    for (const e of checked.errors) at(row, COLUMNS.find((c) => 'field' in c && c.field === e.field)!.header, e.reason);
    if (!matter || !checked.value) continue;
    const list = lists.get(code) ?? { materials: [], names: new Set<string>() };
    lists.set(code, list);
    if (list.names.has(checked.value.name)) at(row, '材料名称', `事项 ${code} 的材料“${checked.value.name}”重复`);
    list.names.add(checked.value.name);
    list.materials.push(checked.value);
    if (col.has('办理结果')) {
      const result = cell(r, '办理结果') || null;
      if (list.result !== undefined && list.result !== result && result !== null) at(row, '办理结果', `与本事项上一行的办理结果“${list.result ?? ''}”不一致`);
      if (list.result === undefined || list.result === null) list.result = result;
    }
  }
  if (dataRows.length === 0) errors.push({ row: headerAt + 2, column: 'A', header: '数据', reason: '没有数据行' });
  if (errors.length > 0) throw new SheetRejected(errors.sort((a, b) => a.row - b.row || a.column.length - b.column.length || (a.column < b.column ? -1 : a.column > b.column ? 1 : 0)));
  await repo.replaceMaterials(db, new Map([...lists].map(([code, l]) => [code, { materials: l.materials, result: l.result }])));
  return { matters: lists.size, materials: [...lists.values()].reduce((n, l) => n + l.materials.length, 0) };
}

