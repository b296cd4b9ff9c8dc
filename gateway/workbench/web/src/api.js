// Calls to the gateway, relative to the page (/dprs/workbench/), so a prefix added by a
// balancer is kept. Unsafe methods carry the CSRF token (double submit of the dprs_csrf cookie).
import { reactive } from 'vue';

export const session = reactive({ user: null, expired: false });

/** Signed in with the first sign-in's steps done (a new password; an authenticator when required). */
export const ready = (user) => Boolean(user && !user.must_change_password && !user.must_enrol_totp);

export class ApiFailure extends Error {
  constructor(status, body) {
    super(body?.msg ?? `请求失败（HTTP ${status}）`);
    this.status = status;
    this.body = body;
    // validation failures list each field's reason: { 'items.0.field': '…' }
    this.fields = {};
    for (const e of Array.isArray(body?.data) ? body.data : []) if (e && e.field) this.fields[e.field] = e.reason;
  }
}

function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === 'dprs_csrf') return v;
  }
  return '';
}

/** path: 'api/…' (workbench), '../catalog/…', '../admin/…'; the data of the answer's envelope */
export async function call(method, path, body) {
  return (await callEnvelope(method, path, body))?.data ?? [];
}

/** The whole envelope, for answers that carry more than data (the 校核差异 counts). */
export async function callEnvelope(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken();
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  let json = null;
  try {
    json = await r.json();
  } catch {
    /* not an envelope */
  }
  if (r.status === 401 && session.user && !path.startsWith('api/session')) {
    session.expired = true;
    session.user = null;
  }
  if (!r.ok) throw new ApiFailure(r.status, json);
  return json;
}

export const get = (path) => call('GET', path);
export const post = (path, body = {}) => call('POST', path, body);
export const put = (path, body) => call('PUT', path, body);
export const del = (path) => call('DELETE', path);

export function formatTime(ms) {
  if (!ms) return '—';
  const d = new Date(Number(ms));
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export const STATUS_NAMES = { draft: '待审核', rejected: '已驳回', published: '已发布', superseded: '已替代', retired: '已停用', pending: '待审批', approved: '已批准' };
export const STATUS_TAGS = { draft: 'warning', rejected: 'danger', published: 'success', superseded: 'info', retired: 'info', pending: 'warning', approved: 'success' };

const shown = (v) => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

/** A catalogue diff (catalog/diff.ts) as table rows: what changed, which field, from, to. */
export function diffRows(d) {
  const out = [];
  for (const c of d.fields) out.push({ what: '修改', field: c.field, from: shown(c.from), to: shown(c.to) });
  for (const f of d.items.added) out.push({ what: '新增信息项', field: f, from: '', to: '' });
  for (const f of d.items.removed) out.push({ what: '删除信息项', field: f, from: '', to: '' });
  for (const c of d.items.changed) out.push({ what: '修改信息项', field: c.field, from: '', to: c.changes.join('；') });
  for (const m of d.interfaces.added) out.push({ what: '新增接口', field: m, from: '', to: '' });
  for (const m of d.interfaces.removed) out.push({ what: '删除接口', field: m, from: '', to: '' });
  for (const m of d.interfaces.changed) out.push({ what: '修改接口', field: m, from: '', to: '' });
  return out;
}
