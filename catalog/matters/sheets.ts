/**
 * Tables in and out of CSV and XLSX, bounded: files come from users. A file is refused before
 * parsing when it is larger than MAX_SHEET_BYTES, and an XLSX (a ZIP) also when its entries
 * would unpack to more than MAX_XLSX_UNPACKED_BYTES (a zip bomb), read from its central
 * directory without unpacking anything. Only the first worksheet is read. exceljs is loaded
 * on first use: every other command of the process does without it.
 */
import type ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { ApiError } from '../../core/result-codes';

export type SheetFormat = 'csv' | 'xlsx';
export const MAX_SHEET_BYTES = 2 * 1024 * 1024;
export const MAX_XLSX_UNPACKED_BYTES = 10 * 1024 * 1024;
export const MAX_SHEET_ROWS = 5000;
export const MAX_SHEET_COLUMNS = 40;

export const SHEET_MEDIA_TYPES: Record<SheetFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const excel = async () => (await import('exceljs')).default;

const refuse = (reason: string) => new ApiError('BAD_PARAM', reason, 'file');

/** Sum of the uncompressed sizes in a ZIP's central directory; refuses what it cannot read. */
export function zipUnpackedBytes(buf: Buffer): number {
  const EOCD = 0x06054b50;
  const CDH = 0x02014b50;
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw refuse('不是有效的 XLSX 文件');
  const entries = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== CDH) throw refuse('不是有效的 XLSX 文件');
    const size = buf.readUInt32LE(at + 24);
    if (size === 0xffffffff) throw refuse('XLSX 文件过大');
    total += size;
    at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return total;
}

/** UTF-8 (with or without BOM), else GB18030: what Excel on a Chinese Windows saves as CSV. */
function csvText(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return new TextDecoder('gb18030').decode(buf);
  }
}

/** A spreadsheet's rows as text, row i of the result being row i+1 of the file. */
export async function readSheet(buf: Buffer, format: SheetFormat): Promise<string[][]> {
  if (buf.length === 0) throw refuse('文件为空');
  if (buf.length > MAX_SHEET_BYTES) throw refuse(`文件不能超过 ${MAX_SHEET_BYTES / 1024 / 1024} MB`);
  let rows: string[][];
  if (format === 'csv') {
    try {
      rows = parseCsv(csvText(buf), { bom: true, relax_column_count: true, skip_empty_lines: false, to: MAX_SHEET_ROWS + 1 }) as string[][];
    } catch {
      throw refuse('CSV 格式错误（引号不匹配等）');
    }
  } else {
    if (zipUnpackedBytes(buf) > MAX_XLSX_UNPACKED_BYTES) throw refuse('XLSX 解压后过大');
    const wb = new (await excel()).Workbook();
    try {
      await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
    } catch {
      throw refuse('不是有效的 XLSX 文件');
    }
    const ws = wb.worksheets[0];
    if (!ws) throw refuse('XLSX 文件没有工作表');
    if (ws.rowCount > MAX_SHEET_ROWS + 1) throw refuse(`不能超过 ${MAX_SHEET_ROWS} 行`);
    rows = [];
    for (let r = 1; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const cells: string[] = [];
      for (let c = 1; c <= Math.min(row.cellCount, MAX_SHEET_COLUMNS + 1); c++) cells.push(row.getCell(c).text ?? '');
      rows.push(cells);
    }
  }
  if (rows.length > MAX_SHEET_ROWS) throw refuse(`不能超过 ${MAX_SHEET_ROWS} 行`);
  if (rows.some((r) => r.length > MAX_SHEET_COLUMNS)) throw refuse(`不能超过 ${MAX_SHEET_COLUMNS} 列`);
  // a CSV cell exported as '=… (see toCsv) comes back as it was typed
  return rows.map((r) => r.map((c) => c.replace(/^'(?=[=+\-@])/, '')));
}

/** Column letter of a 0-based index: 0 → A, 26 → AA. */
export function columnLetter(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function csvCell(v: string | number | null): string {
  let s = v === null ? '' : String(v);
  // a spreadsheet would run =… as a formula: keep it text
  if (/^[=+\-@]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface SheetSpec {
  title: string;
  /** lines between the title and the header, e.g. 填报部门 */
  notes?: string[];
  header: string[];
  rows: Array<Array<string | number | null>>;
  widths?: number[];
}

/** The file's top rows are the title, the notes, then the header. */
export async function writeSheet(spec: SheetSpec, format: SheetFormat): Promise<Buffer> {
  const top = [[spec.title], ...(spec.notes ?? []).map((n) => [n])];
  if (format === 'csv') {
    const lines = [...top, spec.header, ...spec.rows].map((r) => r.map(csvCell).join(','));
    return Buffer.from('\ufeff' + lines.join('\r\n') + '\r\n', 'utf8'); // the BOM lets Excel read UTF-8
  }
  const wb = new (await excel()).Workbook();
  const ws = wb.addWorksheet(spec.title.slice(0, 31));
  for (const r of top) ws.addRow(r);
  ws.getRow(1).font = { bold: true, size: 14 };
  const header = ws.addRow(spec.header);
  header.font = { bold: true };
  for (const r of spec.rows) ws.addRow(r.map((v) => (v === null ? '' : v)));
  spec.header.forEach((_h, i) => (ws.getColumn(i + 1).width = spec.widths?.[i] ?? 16));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
