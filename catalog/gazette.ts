/**
 * Facts parsed from the 2018 Zhoucun gazette (catalog/seed/zhoucun-gazette-2018-09.txt,
 * a copy of shared/seeds): the licensing items of 附件4 (周政字〔2018〕45号) and the
 * departments that implement them. Parsed at run time, never retyped.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface LicensingItem {
  seq: number; // 序号
  department: string; // 实施部门
  name: string; // 事项名称
  code: string; // 证照类型代码 derived from 序号: XK001 … XK214
}

export interface GazetteDepartment {
  code: string;
  name: string;
  kind: '部门' | '运营';
}

const GAZETTE_FILE = path.resolve(__dirname, '..', '..', 'catalog', 'seed', 'zhoucun-gazette-2018-09.txt');

function gazetteFile(): string {
  // from TypeScript sources __dirname is catalog/, from dist it is dist/catalog/
  const candidates = [GAZETTE_FILE, path.resolve(__dirname, 'seed', 'zhoucun-gazette-2018-09.txt')];
  for (const c of candidates) if (fs.existsSync(c)) return c;
  throw new Error(`gazette seed not found (looked in ${candidates.join(', ')})`);
}

let cachedText: string | undefined;
export function gazetteText(): string {
  return (cachedText ??= fs.readFileSync(gazetteFile(), 'utf8'));
}

function licensingItemCode(seq: number): string {
  return 'XK' + String(seq).padStart(3, '0');
}

/**
 * 附件4 of 周政字〔2018〕45号: the heading "周村区区级行政许可事项目录", a "(共 N 项)" line, then
 * tab-separated rows "序号\t实施部门\t事项名称" (blank lines between page breaks).
 */
export function parseLicensingItems(text: string = gazetteText()): LicensingItem[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /周村区区级行政许可事项目录/.test(l));
  if (start < 0) throw new Error('附件4 (周村区区级行政许可事项目录) not found in the gazette');
  let declared = 0;
  const items: LicensingItem[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    const total = line.match(/共\s*(\d+)\s*项/);
    if (total && declared === 0) {
      declared = Number(total[1]);
      continue;
    }
    const m = line.match(/^(\d+)\t([^\t]+)\t([^\t]+?)\s*$/);
    if (m) {
      const seq = Number(m[1]);
      if (seq !== items.length + 1) throw new Error(`附件4: expected 序号 ${items.length + 1}, found ${seq}`);
      items.push({ seq, department: m[2].trim(), name: m[3].trim(), code: licensingItemCode(seq) });
      if (declared && items.length === declared) break;
      continue;
    }
    if (items.length > 0 && /^#/.test(line)) break; // next document
  }
  if (declared && items.length !== declared) {
    throw new Error(`附件4 declares ${declared} items, parsed ${items.length}`);
  }
  return items;
}

/** The operator named in the plan (109号): it reviews and publishes the catalogue. */
const OPERATOR_NAME = '区电政信息中心';

/**
 * Departments: every 实施部门 of 附件4 in order of first appearance, plus the plan's
 * operator and the 政务服务中心管理办公室 that collects demands. Codes are stable because
 * the order of the gazette is.
 */
export function parseDepartments(text: string = gazetteText()): GazetteDepartment[] {
  const names: string[] = [];
  for (const item of parseLicensingItems(text)) if (!names.includes(item.department)) names.push(item.department);
  for (const extra of [OPERATOR_NAME, '区政务服务中心管理办公室']) {
    if (!text.includes(extra)) throw new Error(`${extra} not named in the gazette`);
  }
  const out: GazetteDepartment[] = names.map((name, i) => ({
    code: 'ZC' + String(i + 1).padStart(3, '0'),
    name,
    kind: '部门',
  }));
  out.push({ code: 'ZC900', name: OPERATOR_NAME, kind: '运营' });
  out.push({ code: 'ZC901', name: '区政务服务中心管理办公室', kind: '部门' });
  return out;
}

export function departmentCodeByName(name: string, text?: string): string {
  const d = parseDepartments(text).find((x) => x.name === name);
  if (!d) throw new Error(`department ${name} not in the gazette`);
  return d.code;
}
