/**
 * The audit hash chain: each row's hash covers its own fields and the previous row's hash,
 * so editing, deleting or reordering any row breaks the chain from that row on.
 */
import crypto from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** What one lookup leaves behind. The query key is only ever a keyed hash. */
export interface AuditEntry {
  at: number;
  requestId: string;
  consumerId: string | null;
  method: string;
  interface: 'json' | 'soap';
  purpose: string | null;
  queryKeyHash: string | null;
  resultCode: string;
  rows: number;
  /** request arrival to audit write */
  durationMs: number | null;
  /** for a batch lookup: each item's keyed hash, in order (queryKeyHash is listHash of them) */
  itemKeyHashes?: string[];
  /** the person the system looked up for: a workbench clerk, or the caller's X-User-Id */
  userId?: string | null;
  /** the 事项 named by the purpose; not hashed on its own: the hashed purpose starts with it */
  matterCode?: string | null;
}

export interface AuditRow {
  id: number;
  at: number;
  request_id: string;
  consumer_id: string | null;
  method: string;
  interface: string;
  purpose: string | null;
  query_key_hash: string | null;
  result_code: string;
  rows: number;
  duration_ms: number | null;
  prev_hash: string;
  hash: string;
  user_id?: string | null;
  matter_code?: string | null;
}

/** Canonical text of a row: fixed field order, JSON-escaped, ids and times as integers. */
function canonical(row: Omit<AuditRow, 'hash'>): string {
  return JSON.stringify([
    Number(row.id),
    Number(row.at),
    row.request_id,
    row.consumer_id,
    row.method,
    row.interface,
    row.purpose,
    row.query_key_hash,
    row.result_code,
    Number(row.rows),
    row.duration_ms === null || row.duration_ms === undefined ? null : Number(row.duration_ms),
    row.prev_hash,
    // appended only when present, so rows written before the column existed keep their hash
    ...(row.user_id ? [row.user_id] : []),
  ]);
}

export function rowHash(row: Omit<AuditRow, 'hash'>): string {
  return crypto.createHash('sha256').update(canonical(row)).digest('hex');
}

export function toRow(id: number, prevHash: string, e: AuditEntry): AuditRow {
  const base = {
    id,
    at: e.at,
    request_id: e.requestId,
    consumer_id: e.consumerId,
    method: e.method,
    interface: e.interface,
    purpose: e.purpose,
    query_key_hash: e.queryKeyHash,
    result_code: e.resultCode,
    rows: e.rows,
    duration_ms: e.durationMs,
    prev_hash: prevHash,
    user_id: e.userId ?? null,
  };
  return { ...base, hash: rowHash(base), matter_code: e.matterCode ?? null };
}

/** The hash standing for an ordered list of item key hashes in a batch lookup's audit row. */
export function listHash(itemKeyHashes: readonly string[]): string {
  return crypto.createHash('sha256').update(itemKeyHashes.join(',')).digest('hex');
}

/**
 * The keyed hash of a query key (an ID number, a credit code, a licence number). The same
 * key always gives the same hash under one AUDIT_KEY, which is what lets the operator ask
 * "who looked this person up" without the log holding the plain number.
 */
export function queryKeyHash(auditKey: string, key: string): string {
  return crypto.createHmac('sha256', auditKey).update(key.trim().toUpperCase()).digest('hex');
}
