/**
 * The lookup audit: one append-only row per answered lookup, written before the answer
 * leaves. The query key is stored only as HMAC-SHA256 under config.auditKey, so "who looked
 * this number up" can be answered without the table holding the number.
 *
 * prev_hash / hash stay null for now. The chain will be added here and only here: every
 * write goes through recordLookup, which can read the last hash and link the new row inside
 * one transaction.
 */
import crypto from 'node:crypto';
import type { Db } from './store/db';
import type { ResultCode } from './result-codes';

export interface AuditEntry {
  at: number;
  requestId: string;
  consumerId: string | null;
  method: string;
  interface: 'json' | 'soap';
  purpose: string | null;
  /** the canonical query key in plain; hashed here, never stored */
  queryKey: string | null;
  resultCode: ResultCode;
  rows: number;
}

/** Longest purpose text kept (the column is 512 characters). */
export const AUDIT_PURPOSE_MAX = 200;

export function hashQueryKey(auditKey: string, queryKey: string): string {
  return crypto.createHmac('sha256', auditKey).update(queryKey, 'utf8').digest('hex');
}

/** Writes the entry; rejects when the row could not be written (the caller then serves nothing). */
export async function recordLookup(db: Db, auditKey: string, e: AuditEntry): Promise<void> {
  await db('audit_log').insert({
    at: e.at,
    request_id: e.requestId.slice(0, 64),
    consumer_id: e.consumerId,
    method: e.method.slice(0, 64),
    interface: e.interface,
    purpose: e.purpose === null ? null : e.purpose.slice(0, AUDIT_PURPOSE_MAX),
    query_key_hash: e.queryKey === null ? null : hashQueryKey(auditKey, e.queryKey),
    result_code: e.resultCode,
    rows: e.rows,
    prev_hash: null,
    hash: null,
  });
}
