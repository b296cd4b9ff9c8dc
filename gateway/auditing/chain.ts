/**
 * The audit hash chain: each row's hash covers its own fields and the previous row's hash,
 * so editing, deleting or reordering any row breaks the chain from that row on.
 *
 * Chain version 2 (every row written now) is keyed: the hash is an HMAC under a key derived
 * from AUDIT_KEY, which the database does not hold, so whoever can write the database still
 * cannot delete rows and re-hash the rest. Its text fields are canonicalised before hashing
 * (unpaired surrogates and control characters replaced, NFC, cut by code point to the
 * column's length), so what is stored is exactly what was hashed on SQLite and MariaDB.
 * Version 1 rows (written before migration 407) keep their unkeyed SHA-256 and are verified
 * as they were; the anchors (./anchors) cover what a keyless rewrite of them could hide.
 */
import crypto from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);
export const CHAIN_VERSION = 2;

/** The chain's HMAC key: derived from AUDIT_KEY, so there is one secret to configure and keep. */
export function auditChainKey(auditKey: string): Buffer {
  return crypto.createHmac('sha256', auditKey).update('dprs audit chain v2').digest();
}

/** Column lengths of the text fields (migration 018): the canonical text fits them. */
export const TEXT_LIMITS = { request_id: 64, consumer_id: 64, method: 64, purpose: 200, matter_code: 32, user_id: 64 } as const;

const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const codePoints = (s: string) => [...s].length;

/** Text as it will be stored and hashed: well-formed, NFC, at most `max` code points. */
export function canonicalText(s: string, max: number): string {
  let t = s.replace(UNSAFE, '\ufffd').normalize('NFC');
  // normalising a cut string can lengthen it (composition exclusions): cut until it fits. A
  // string has no more code points than UTF-16 units, so short text is not counted at all
  while (t.length > max && codePoints(t) > max) t = [...t].slice(0, max).join('').normalize('NFC');
  return t;
}

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
  chain_version: number;
  user_id?: string | null;
  matter_code?: string | null;
}

type Hashed = Omit<AuditRow, 'hash' | 'chain_version'>;

/** Canonical text of a row: fixed field order, JSON-escaped, ids and times as integers. */
function canonical(row: Hashed): unknown[] {
  return [
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
  ];
}

/**
 * A row's hash under its chain version (1: unkeyed SHA-256; 2: HMAC under the chain key, the
 * 事项 code and the clerk's user id covered too).
 */
export function rowHash(row: Hashed, version: number, chainKey: Buffer): string {
  if (version === 1) return crypto.createHash('sha256').update(JSON.stringify(canonical(row))).digest('hex');
  return crypto.createHmac('sha256', chainKey).update(JSON.stringify([`v${version}`, ...canonical(row), row.matter_code ?? null, row.user_id ?? null])).digest('hex');
}

const text = (s: string | null, max: number) => (s === null ? null : canonicalText(s, max));

export function toRow(id: number, prevHash: string, e: AuditEntry, chainKey: Buffer): AuditRow {
  const base = {
    id,
    at: e.at,
    request_id: canonicalText(e.requestId, TEXT_LIMITS.request_id),
    consumer_id: text(e.consumerId, TEXT_LIMITS.consumer_id),
    method: canonicalText(e.method, TEXT_LIMITS.method),
    interface: e.interface,
    purpose: text(e.purpose, TEXT_LIMITS.purpose),
    query_key_hash: e.queryKeyHash,
    result_code: e.resultCode,
    rows: e.rows,
    duration_ms: e.durationMs,
    prev_hash: prevHash,
    matter_code: text(e.matterCode ?? null, TEXT_LIMITS.matter_code),
    user_id: text(e.userId ?? null, TEXT_LIMITS.user_id),
  };
  return { ...base, hash: rowHash(base, CHAIN_VERSION, chainKey), chain_version: CHAIN_VERSION };
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
