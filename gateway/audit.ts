/**
 * The lookup audit as the pipeline sees it: one row per answered lookup, handed to this
 * process's AuditWriter (group commit into the hash chain, gateway/auditing/) and awaited
 * before the answer leaves. The query key is stored only as HMAC-SHA256 under
 * config.auditKey, so "who looked this number up" can be answered without the table
 * holding the number.
 */
import type { AppContext } from './context';
import type { ResultCode } from '../core/result-codes';
import { AuditEntry, listHash, queryKeyHash } from './auditing/chain';

/** An audit entry as the pipeline knows it: the query key still in plain (hashed here). */
export type LookupAudit = Omit<AuditEntry, 'queryKeyHash' | 'resultCode' | 'durationMs' | 'itemKeyHashes'> & {
  queryKey: string | null;
  /** a batch lookup's keys, one per item (null for an item that was not a valid key) */
  itemKeys?: Array<string | null>;
  resultCode: ResultCode;
  durationMs: number;
};

/** Resolves once the row is durable; rejects when it could not be written (serve nothing then). */
export function recordLookup(ctx: AppContext, e: LookupAudit): Promise<void> {
  // a batch row stands for each person in it: their hashes are kept in order, and the row's
  // own key hash is the hash of that list (so the chain covers it)
  const itemKeyHashes = e.itemKeys?.map((k) => (k === null ? '-' : queryKeyHash(ctx.config.auditKey, k)));
  return ctx.audit.append({
    at: e.at,
    requestId: e.requestId,
    consumerId: e.consumerId,
    method: e.method,
    interface: e.interface,
    purpose: e.purpose, // canonicalised (well-formed, NFC, ≤ 200 code points) with the row: ./auditing/chain
    matterCode: e.matterCode ?? null,
    queryKeyHash: itemKeyHashes ? listHash(itemKeyHashes) : e.queryKey === null ? null : queryKeyHash(ctx.config.auditKey, e.queryKey),
    itemKeyHashes,
    resultCode: e.resultCode,
    rows: e.rows,
    durationMs: Math.round(e.durationMs),
    userId: e.userId ?? null,
  });
}
