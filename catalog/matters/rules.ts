/**
 * What a valid 事项 and a valid material are, with one Chinese reason per bad field. Used by
 * the API (fields by name, as core/validation.ts names them) and by spreadsheet imports (fields mapped to columns), so a
 * rule is written once.
 */
import type { FieldError } from '../validation';
import { Matter, MaterialInput, Usage, USAGES } from './repository';

export interface Departments {
  byCode: Map<string, string>;
  byName: Map<string, string>;
}

export interface Checked<T> {
  value: T | null;
  errors: FieldError[];
}

/** 事项编码: letters then digits, e.g. XK137 or GG012; the digit keeps it apart from words. */
export const MATTER_CODE = /^[A-Z]{1,8}[0-9][0-9A-Z-]{0,23}$/;
export const MATTER_KINDS = ['行政许可', '公共服务', '其他'] as const;
export const MAX_ITEMS = 50;
/** 信息项 in one cell: separated by 、 , ， ; ； or line breaks */
const ITEM_SEPARATORS = /[、,，;；\n]/;

function text(v: unknown): string | null {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  return null;
}

function textField(obj: Record<string, unknown>, key: string, label: string, max: number, errors: FieldError[], required = true): string | null {
  const v = obj[key];
  if (v === undefined || v === null || v === '') {
    if (required) errors.push({ field: key, reason: `${label}不能为空` });
    return null;
  }
  const s = text(v);
  if (s === null) errors.push({ field: key, reason: `${label}应为文本` });
  else if (s === '' && required) errors.push({ field: key, reason: `${label}不能为空` });
  else if ([...s].length > max) errors.push({ field: key, reason: `${label}不能超过 ${max} 个字符` });
  else if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s)) errors.push({ field: key, reason: `${label}含控制字符` });
  else return s === '' ? null : s;
  return null;
}

export function splitItems(cell: string): string[] {
  return cell.split(ITEM_SEPARATORS).map((s) => s.trim()).filter((s) => s !== '');
}

/** A department given by code (ZC005) or by name (区公安分局). */
function departmentField(obj: Record<string, unknown>, key: string, label: string, depts: Departments, errors: FieldError[]): string | null {
  const s = textField(obj, key, label, 128, errors);
  if (s === null) return null;
  if (depts.byCode.has(s)) return s;
  const code = depts.byName.get(s);
  if (code) return code;
  errors.push({ field: key, reason: `${label}“${s}”不是已登记的部门` });
  return null;
}

const asObject = (body: unknown): Record<string, unknown> | null => (body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null);

/** body: { name, items: string[] | "姓名、公民身份证号", provider, usage, purpose } */
export function checkMaterial(body: unknown, depts: Departments): Checked<MaterialInput> {
  const obj = asObject(body);
  if (!obj) return { value: null, errors: [{ field: '', reason: '应为 JSON 对象' }] };
  const errors: FieldError[] = [];
  const name = textField(obj, 'name', '材料名称', 128, errors);
  let items: string[] | null = null;
  const raw = obj.items;
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? splitItems(raw) : null;
  if (raw === undefined || raw === null || raw === '' || (list && list.length === 0)) errors.push({ field: 'items', reason: '至少填写 1 个信息项名称' });
  else if (!list || list.some((x) => typeof x !== 'string')) errors.push({ field: 'items', reason: '信息项名称应为文本' });
  else {
    const cleaned = list.map((x) => String(x).trim());
    if (cleaned.length > MAX_ITEMS) errors.push({ field: 'items', reason: `信息项不能超过 ${MAX_ITEMS} 个` });
    else if (cleaned.some((x) => x === '' || [...x].length > 64)) errors.push({ field: 'items', reason: '每个信息项名称应为 1 至 64 个字符' });
    else if (new Set(cleaned).size !== cleaned.length) errors.push({ field: 'items', reason: '信息项名称重复' });
    else items = cleaned;
  }
  const provider = departmentField(obj, 'provider', '提供单位', depts, errors);
  const usageText = textField(obj, 'usage', '使用方式', 8, errors);
  let usage: Usage | null = null;
  if (usageText !== null) {
    if ((USAGES as readonly string[]).includes(usageText)) usage = usageText as Usage;
    else errors.push({ field: 'usage', reason: `使用方式应为 ${USAGES.join(' / ')} 之一` });
  }
  const purpose = textField(obj, 'purpose', '使用目的', 256, errors);
  if (errors.length > 0) return { value: null, errors };
  return { value: { name: name!, items: items!, provider_code: provider!, usage: usage!, purpose: purpose! }, errors };
}

/** body: { code, name, department, kind?, result? } (the operator adds a 事项) */
export function checkMatter(body: unknown, depts: Departments): Checked<Matter> {
  const obj = asObject(body);
  if (!obj) return { value: null, errors: [{ field: '', reason: '应为 JSON 对象' }] };
  const errors: FieldError[] = [];
  const code = textField(obj, 'code', '事项编码', 32, errors);
  if (code !== null && !MATTER_CODE.test(code)) errors.push({ field: 'code', reason: '事项编码应为大写字母后接数字，如 GG001' });
  const name = textField(obj, 'name', '事项名称', 256, errors);
  const department = departmentField(obj, 'department', '实施部门', depts, errors);
  const kind = textField(obj, 'kind', '事项类型', 16, errors, false) ?? '公共服务';
  if (!(MATTER_KINDS as readonly string[]).includes(kind)) errors.push({ field: 'kind', reason: `事项类型应为 ${MATTER_KINDS.join(' / ')} 之一` });
  const result = textField(obj, 'result', '办理结果', 256, errors, false);
  if (errors.length > 0) return { value: null, errors };
  return { value: { code: code!, name: name!, department_code: department!, kind, source: 'operator', result }, errors };
}
