/**
 * 数据接口说明文档 (附件3) for a published interface, generated from the catalogue: every row
 * of the template in the template's order, the request and response parameter tables, a URL
 * example and a synthetic example response (catalog/examples.ts), masked as a default grant
 * would mask it. Rendered as JSON, Markdown or HTML.
 */
import type { Config } from '../core/config';
import type { Db } from '../core/db';
import { lookupSpec, VERDICTS } from '../core/registry';
import { ApiError } from '../core/result-codes';
import { SYNTHETIC_NOTE, syntheticRecord } from './examples';
import { projectRecord } from './masking';
import { departmentName, publishedVersion, ResourceItem, SHARE_TYPE_NAMES, type InterfaceSpec, type Registration } from './resources';
import { checkDescription } from '../schemas/lookup-params';
import { declaredParams, isDeclaredLookup } from './lookup-declarations';
import { SOAP_OPERATIONS, SOAP_PATH } from '../schemas/wsdl';

export interface InterfaceDocument {
  method: string;
  resource_code: string;
  resource_version: number;
  /** [label, value] in the template's order; section headings have an empty value */
  rows: Array<{ label: string; value: string }>;
  request_params: Array<{ 参数名: string; 参数说明: string; 数据类型: string; 描述及要求: string }>;
  response_params: Array<{ 字段名: string; 参数说明: string; 数据类型: string; 描述及要求: string }>;
  example_response: { msg: string; result_code: string; data: Array<Record<string, unknown>> };
}

const DB_TYPE: Record<string, string> = { C: 'VARCHAR2', N: 'NUMBER', Y: 'NUMBER', D: 'VARCHAR2', T: 'VARCHAR2', L: 'CHAR', M: 'CLOB', G: 'BLOB', B: 'BLOB', I: 'NUMBER', F: 'NUMBER' };

const itemDbType = (i: ResourceItem) => i.db_type ?? DB_TYPE[i.data_type] ?? 'VARCHAR2';

export async function buildDocument(db: Db, config: Config, method: string): Promise<InterfaceDocument> {
  const iface = (await db('interfaces').where({ method }).first()) as { method: string; resource_code: string; name: string; function: string | null; network: string; remark: string | null } | undefined;
  const resource = iface ? await publishedVersion(db, iface.resource_code) : null;
  const spec = resource?.registration.interfaces?.find((i) => i.method === method);
  if (!iface || !resource || !spec) throw new ApiError('NOT_FOUND', `接口 ${method} 不存在或未发布`, 'method');
  const reg = resource.registration;

  // the WSDL is the contract for the WebService: its parameters, in its order, described by
  // the catalogue (a parameter the catalogue lacks still appears, undescribed)
  // a generic lookup is described by its query declaration, and is a WebService operation too
  const declared = isDeclaredLookup(spec);
  const wsdlParams = Object.hasOwn(SOAP_OPERATIONS, method) ? (SOAP_OPERATIONS[method] as readonly string[]) : declared ? spec.query!.params.map((p) => p.name) : undefined;
  const described = new Map((spec.params ?? []).map((p) => [p.name, p]));
  const names = wsdlParams ? [...wsdlParams] : (spec.params ?? []).map((p) => p.name);
  const request = declared
    ? declaredRequestParams(reg, spec)
    : names.map((name) => {
        const p = described.get(name);
        return { 参数名: name, 参数说明: p?.description ?? '', 数据类型: p?.data_type ?? '字符串', 描述及要求: p?.requirement ?? '' };
      });
  const ownFields = spec.fields && spec.fields.length > 0;
  const response = ownFields
    ? spec.fields!.map((f) => ({ 字段名: f.field, 参数说明: f.name, 数据类型: f.db_type, 描述及要求: f.requirement ?? '' }))
    : reg.items.map((i) => ({ 字段名: i.field, 参数说明: i.name, 数据类型: itemDbType(i), 描述及要求: i.description ?? '' }));
  // declared fields that are none of the resource's items are a verification's verdict
  const itemFields = new Set(reg.items.map((i) => i.field));
  const verification = Boolean(ownFields) && response.every((r) => !itemFields.has(r.字段名));

  const example = await exampleResponse(db, method, reg.items, response.map((r) => r.字段名), verification);
  const base = config.publicUrl;
  const query = request.filter((p) => p.数据类型 === '字符串').map((p) => `${p.参数名}=…`).join('&');
  const rows = [
    { label: '填报部门', value: (await departmentName(db, reg.provider_code)) ?? reg.provider_code },
    { label: '资源名称', value: reg.name },
    { label: '资源功能', value: spec.function },
    { label: '政务信息资源接口内容', value: '' },
    { label: '接口方式', value: wsdlParams ? 'WebService（SOAP 1.1）；同时提供 JSON 接口' : 'JSON 接口（不在 WebService 中提供）' },
    { label: '接口名称', value: spec.name },
    { label: '接口地址', value: wsdlParams ? `${base}${SOAP_PATH}` : `${base}/dprs/api/${method}` },
    { label: '方法名', value: method },
    { label: '承载网络', value: iface.network },
    { label: '业务请求参数说明', value: '' },
    { label: '业务返回参数', value: '' },
    { label: '接口 URL 示例', value: wsdlParams ? `${base}${SOAP_PATH}?wsdl ；JSON：${base}/dprs/api/${method}${query ? '?' + query : ''}` : `POST ${base}/dprs/api/${method}` },
    { label: '返回数据格式', value: 'JSON' },
    { label: '调用方式', value: `${wsdlParams ? 'SOAP 1.1 POST（返回值为 JSON 字符串）；JSON 接口 POST 或 GET' : 'JSON 接口 POST（请求体为 JSON 对象）'}；请求头 Authorization: Bearer <令牌>、X-Purpose: <事由>` },
    { label: '接口返回示例', value: JSON.stringify(example, null, 2) },
    { label: '备注说明', value: [spec.remark, `共享类型：${SHARE_TYPE_NAMES[reg.share_type]}${reg.share_condition ? '（' + reg.share_condition + '）' : ''}`, '敏感信息项按授权脱敏返回', SYNTHETIC_NOTE].filter(Boolean).join('；') },
  ];
  return { method, resource_code: reg.code, resource_version: resource.version, rows, request_params: request, response_params: response, example_response: example };
}

/** A generic lookup's request parameters: each its item, whether it must be given, and its check. */
function declaredRequestParams(reg: Registration, spec: InterfaceSpec): InterfaceDocument['request_params'] {
  const groups = spec.query!.one_of ?? [];
  const alternatives = groups.map((g) => g.join(' 与 ')).join('，或 ');
  return declaredParams(reg, spec).map((p) => {
    const need = p.required ? '必填' : groups.some((g) => g.includes(p.name)) ? `须且只能提供以下一组：${alternatives}` : '可选，用于缩小范围';
    return { 参数名: p.name, 参数说明: p.itemName, 数据类型: '字符串', 描述及要求: `${need}；${checkDescription(p)}；与信息项 ${p.item} 精确匹配` };
  });
}

async function exampleResponse(db: Db, method: string, items: ResourceItem[], fields: string[], verification: boolean): Promise<InterfaceDocument['example_response']> {
  const envelope = (data: Array<Record<string, unknown>>) => ({ msg: '操作成功', result_code: '200', data });
  if (verification) {
    // a verification answers with its verdict only
    const result: Record<string, string> = { ...VERDICTS[lookupSpec(method)?.verdicts ?? 'person'].positive };
    return envelope([Object.fromEntries(fields.map((f) => [f, result[f] ?? '']))]);
  }
  const record = await syntheticRecord(db, method, fields);
  if (!record) return envelope([Object.fromEntries(items.map((i) => [i.field, i.name]))]);
  // masked as an approved application masks by default: the sensitive items
  const sensitive = items.filter((i) => i.sensitive).map((i) => i.field);
  return envelope([projectRecord(record, fields, fields, sensitive)]);
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/**
 * A table cell of department-written text: HTML is shown as text, never run (a Markdown
 * viewer passes raw HTML through), link and emphasis syntax is escaped, and a line break
 * becomes our own <br>.
 */
const mdCell = (s: string) =>
  s
    .replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)
    .replace(/[\\`*_[\]|]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, '<br>');

/** A fence longer than any run of backticks in the text, so the text cannot close it. */
const fenceFor = (text: string) => '`'.repeat(Math.max(3, ...(text.match(/`+/g) ?? []).map((run) => run.length + 1)));

export function renderMarkdown(doc: InterfaceDocument): string {
  const out: string[] = [`# 数据接口说明文档：${doc.method}`, '', '| 项目 | 内容 |', '|---|---|'];
  for (const r of doc.rows) {
    if (r.label === '业务请求参数说明') {
      out.push(`| **${r.label}** | |`, '', '| 参数名 | 参数说明 | 数据类型 | 描述及要求 |', '|---|---|---|---|');
      for (const p of doc.request_params) out.push(`| ${[p.参数名, p.参数说明, p.数据类型, p.描述及要求].map(mdCell).join(' | ')} |`);
      out.push('', '| 项目 | 内容 |', '|---|---|');
    } else if (r.label === '业务返回参数') {
      out.push(`| **${r.label}** | |`, '', '| 字段名 | 参数说明 | 数据类型 | 描述及要求 |', '|---|---|---|---|');
      for (const p of doc.response_params) out.push(`| ${[p.字段名, p.参数说明, p.数据类型, p.描述及要求].map(mdCell).join(' | ')} |`);
      out.push('', '| 项目 | 内容 |', '|---|---|');
    } else if (r.label === '接口返回示例') {
      const fence = fenceFor(r.value);
      out.push(`| ${r.label} | 见下 |`, '', `${fence}json`, r.value, fence, '', '| 项目 | 内容 |', '|---|---|');
    } else {
      out.push(`| ${r.value === '' ? `**${r.label}**` : r.label} | ${mdCell(r.value)} |`);
    }
  }
  return out.join('\n') + '\n';
}

export function renderHtml(doc: InterfaceDocument): string {
  const tr: string[] = [];
  const table4 = (head: string[], rows: string[][]) =>
    `<tr><td colspan="2"><table class="params"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
      .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table></td></tr>`;
  for (const r of doc.rows) {
    tr.push(r.value === '' && r.label !== '备注说明' ? `<tr class="section"><th colspan="2" data-label="${esc(r.label)}">${esc(r.label)}</th></tr>` : `<tr><th data-label="${esc(r.label)}">${esc(r.label)}</th><td>${r.label === '接口返回示例' ? `<pre>${esc(r.value)}</pre>` : esc(r.value)}</td></tr>`);
    if (r.label === '业务请求参数说明') tr.push(table4(['参数名', '参数说明', '数据类型', '描述及要求'], doc.request_params.map((p) => [p.参数名, p.参数说明, p.数据类型, p.描述及要求])));
    if (r.label === '业务返回参数') tr.push(table4(['字段名', '参数说明', '数据类型', '描述及要求'], doc.response_params.map((p) => [p.字段名, p.参数说明, p.数据类型, p.描述及要求])));
  }
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>数据接口说明文档 ${esc(doc.method)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top}tr.section th{background:#eef}pre{margin:0;white-space:pre-wrap}</style></head>
<body><h1>数据接口说明文档</h1><table class="interface-document">${tr.join('\n')}</table></body></html>\n`;
}
