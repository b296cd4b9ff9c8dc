// Calls to the gateway, relative to the page (/dprs/workbench/), so a prefix added by a
// balancer is kept. Unsafe methods carry the CSRF token (double submit of the dprs_csrf cookie).
import { reactive } from 'vue';

export const session = reactive({ user: null, expired: false });

export class ApiFailure extends Error {
  constructor(status, body) {
    super(body?.msg ?? `请求失败（HTTP ${status}）`);
    this.status = status;
    this.body = body;
    // validation failures list each field's reason: { '/items/0/field': '…' }
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

/** path: 'api/…' (workbench), '../catalog/…', '../admin/…' */
export async function call(method, path, body) {
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
  return json?.data ?? [];
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
