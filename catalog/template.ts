/**
 * 附件3 数据接口说明文档, parsed from the gazette: the rows of the template, its example's
 * request parameters and response fields. The catalogue's documents and the getRKZP resource
 * are built from this, so they follow the gazette rather than a retyped copy.
 */
import { gazetteText } from './gazette';

export interface TemplateRow {
  label: string;
  value: string;
}

export interface InterfaceTemplate {
  /** every label of the template, in order, section headings included */
  labels: string[];
  rows: TemplateRow[];
  params: Array<{ name: string; description: string; data_type: string; requirement: string }>;
  fields: Array<{ field: string; name: string; db_type: string; requirement: string }>;
}

export function parseInterfaceTemplate(text: string = gazetteText()): InterfaceTemplate {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /^##\s*数据接口说明文档/.test(l));
  if (start < 0) throw new Error('附件3 (数据接口说明文档) not found in the gazette');
  const labels: string[] = [];
  const rows: TemplateRow[] = [];
  const params: InterfaceTemplate['params'] = [];
  const fields: InterfaceTemplate['fields'] = [];
  let table: 'none' | 'params' | 'fields' = 'none';
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i].replace(/\s+$/, '');
    if (/^备注说明/.test(line)) {
      labels.push('备注说明');
      break;
    }
    if (line === '' || line.startsWith('<pre>') || /^\.{3,}/.test(line)) continue;
    const cells = line.split('\t').map((c) => c.trim());
    if (cells[0] === '参数名') {
      table = 'params';
      continue;
    }
    if (cells[0] === '字段名') {
      table = 'fields';
      continue;
    }
    if (table === 'params' && /^[a-z]/.test(cells[0])) {
      params.push({ name: cells[0], description: cells[1] ?? '', data_type: cells[2] ?? '', requirement: cells[3] ?? '' });
      continue;
    }
    if (table === 'fields' && /^[A-Z]/.test(cells[0])) {
      fields.push({ field: cells[0], name: cells[1] ?? '', db_type: cells[2] ?? '', requirement: cells[3] ?? '' });
      continue;
    }
    table = 'none';
    // a line may hold two label/value pairs: "返回数据格式	JSON	调用方式	"
    for (let c = 0; c < cells.length; c += 2) {
      if (!cells[c]) continue;
      labels.push(cells[c]);
      rows.push({ label: cells[c], value: cells[c + 1] ?? '' });
    }
  }
  if (params.length === 0 || fields.length === 0) throw new Error('附件3: parameter tables not found');
  return { labels, rows, params, fields };
}
