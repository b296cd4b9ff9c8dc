/**
 * Audit storage: appends batches to the chain under the head-row lock, verifies the chain,
 * prunes by retention, and answers "who looked this key up". The only code touching
 * audit_log and audit_chain.
 */
import type { Knex } from 'knex';
import type { Db } from '../../core/db';
import { batchRowsFor, lockRowsForUpdate } from '../../core/dialect';
import { isRetryable } from '../../core/db-errors';
import { AuditEntry, AuditRow, GENESIS_HASH, listHash, rowHash, toRow } from './chain';

const HEAD_ID = 1;
/** 网络安全法 Art. 21: network logs are kept for at least six months. */
export const MIN_RETENTION_DAYS = 180;

interface Head {
  last_id: number;
  last_hash: string;
  anchor_id: number;
  anchor_hash: string;
}

async function lockHead(trx: Knex.Transaction): Promise<Head> {
  const q = lockRowsForUpdate(trx, trx('audit_chain').where({ id: HEAD_ID }).first());
  const head = (await q) as Head | undefined;
  if (!head) throw new Error('audit_chain head row missing (migration 401 not applied?)');
  return { ...head, last_id: Number(head.last_id), anchor_id: Number(head.anchor_id) };
}

/** MySQL may pick a chain writer as a deadlock victim; the whole batch is simply retried. */
async function withDeadlockRetry<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts || !isRetryable(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * i));
    }
  }
}

/** Appends entries, in order, as one transaction. Resolves once they are committed. */
export async function appendEntries(db: Db, entries: AuditEntry[]): Promise<AuditRow[]> {
  if (entries.length === 0) return [];
  return withDeadlockRetry(() => db.transaction(async (trx) => {
    const head = await lockHead(trx);
    const rows: AuditRow[] = [];
    let prev = head.last_hash;
    let id = head.last_id;
    for (const e of entries) {
      const row = toRow(++id, prev, e);
      rows.push(row);
      prev = row.hash;
    }
    const batch = batchRowsFor(db, 15);
    for (let i = 0; i < rows.length; i += batch) await trx('audit_log').insert(rows.slice(i, i + batch));
    // a batch lookup's per-person hashes, in the same transaction as its row
    const keys = entries.flatMap((e, i) => (e.itemKeyHashes ?? []).map((h, position) => ({ audit_id: rows[i].id, position, query_key_hash: h })));
    const keyBatch = batchRowsFor(db, 3);
    for (let i = 0; i < keys.length; i += keyBatch) await trx('audit_keys').insert(keys.slice(i, i + keyBatch));
    await trx('audit_chain').where({ id: HEAD_ID }).update({ last_id: id, last_hash: prev, updated_at: Date.now() });
    return rows;
  }));
}

/** The per-person hashes of the batch rows on one page, in order, by audit row id. */
async function batchKeysOf(db: Db, page: AuditRow[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (page.length === 0) return out;
  const keys = (await db('audit_keys')
    .whereBetween('audit_id', [Number(page[0].id), Number(page[page.length - 1].id)])
    .orderBy([{ column: 'audit_id' }, { column: 'position' }])) as Array<{ audit_id: number; query_key_hash: string }>;
  for (const k of keys) {
    const id = Number(k.audit_id);
    if (!out.has(id)) out.set(id, []);
    out.get(id)!.push(k.query_key_hash);
  }
  return out;
}

export type VerifyResult =
  | { ok: true; rows: number; lastId: number }
  | { ok: false; rows: number; position: number; id: number; problem: string };

/**
 * Walks the chain in id order from the anchor. Reports the first row whose hash does not
 * match its contents (edited), whose prev_hash does not match its predecessor (a row before
 * it was deleted or rows were reordered), or whose id skips (deleted).
 */
export async function verifyChain(db: Db, pageSize = 5000): Promise<VerifyResult> {
  const head = (await db('audit_chain').where({ id: HEAD_ID }).first()) as Head | undefined;
  let prevHash = head?.anchor_hash ?? GENESIS_HASH;
  let prevId = head ? Number(head.anchor_id) : 0;
  let position = 0;
  for (;;) {
    const page = (await db('audit_log').where('id', '>', prevId).orderBy('id').limit(pageSize)) as AuditRow[];
    const keysOf = await batchKeysOf(db, page);
    for (const r of page) {
      position++;
      const id = Number(r.id);
      const fail = (problem: string): VerifyResult => ({ ok: false, rows: position - 1, position, id, problem });
      if (r.hash !== rowHash({ ...r, id, at: Number(r.at), rows: Number(r.rows) })) return fail('内容被修改（哈希不符）');
      if (r.prev_hash !== prevHash) return fail('前序记录被删除或顺序被调整（前序哈希不符）');
      if (id !== prevId + 1) return fail(`记录缺失（编号从 ${prevId} 跳到 ${id}）`);
      const keys = keysOf.get(id);
      if (keys && listHash(keys) !== r.query_key_hash) return fail('批量查询的逐项记录被修改（与本条哈希不符）');
      prevHash = r.hash;
      prevId = id;
    }
    if (page.length < pageSize) break;
  }
  if (head && (prevId !== Number(head.last_id) || prevHash !== head.last_hash)) {
    return { ok: false, rows: position, position: position + 1, id: Number(head.last_id), problem: '链尾记录被删除（与链头不符）' };
  }
  return { ok: true, rows: position, lastId: prevId };
}

/**
 * Deletes rows older than the retention period (never less than 180 days) and moves the
 * anchor to the last deleted row, so verification of what remains still succeeds.
 */
export async function pruneAudit(db: Db, retentionDays: number, now = Date.now()): Promise<number> {
  if (retentionDays < MIN_RETENTION_DAYS) throw new Error(`审计日志保留期不得少于 ${MIN_RETENTION_DAYS} 天`);
  const cutoff = now - retentionDays * 86400000;
  return db.transaction(async (trx) => {
    await lockHead(trx);
    const last = (await trx('audit_log').where('at', '<', cutoff).orderBy('id', 'desc').first('id', 'hash')) as
      | { id: number; hash: string }
      | undefined;
    if (!last) return 0;
    await trx('audit_keys').where('audit_id', '<=', last.id).del();
    const n = await trx('audit_log').where('id', '<=', last.id).del();
    await trx('audit_chain').where({ id: HEAD_ID }).update({ anchor_id: last.id, anchor_hash: last.hash, updated_at: Date.now() });
    return n;
  });
}

export interface LookupOfKey {
  at: number;
  consumerId: string | null;
  method: string;
  interface: string;
  purpose: string | null;
  matterCode: string | null;
  resultCode: string;
  rows: number;
  userId: string | null;
}

/** "Who looked me up": every lookup of one key, newest first. */
export async function lookupsOfKey(db: Db, keyHash: string, limit = 1000): Promise<LookupOfKey[]> {
  const rows = (await db('audit_log')
    .where({ query_key_hash: keyHash })
    .orWhereIn('id', db('audit_keys').select('audit_id').where({ query_key_hash: keyHash }))
    .orderBy('id', 'desc')
    .limit(limit)) as AuditRow[];
  return rows.map((r) => ({
    at: Number(r.at),
    consumerId: r.consumer_id,
    method: r.method,
    interface: r.interface,
    purpose: r.purpose,
    matterCode: r.matter_code ?? null,
    resultCode: r.result_code,
    rows: Number(r.rows),
    userId: r.user_id ?? null,
  }));
}

export interface ConsumerMethodStats {
  consumerId: string | null;
  method: string;
  calls: number;
  /** answers other than 200 and 404 (404 is a normal "no such person") */
  errors: number;
  avgMs: number | null;
  maxMs: number | null;
}

/** Per-consumer, per-method statistics since a time, from the audit log (all processes). */
export async function consumerMethodStats(db: Db, sinceMs: number): Promise<ConsumerMethodStats[]> {
  const rows = (await db('audit_log')
    .where('at', '>=', sinceMs)
    .groupBy('consumer_id', 'method')
    .select('consumer_id', 'method')
    .count({ calls: '*' })
    .sum({ errors: db.raw("case when result_code in ('200', '404') then 0 else 1 end") })
    .avg({ avg_ms: 'duration_ms' })
    .max({ max_ms: 'duration_ms' })
    .orderBy([{ column: 'consumer_id' }, { column: 'method' }])) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    consumerId: (r.consumer_id as string | null) ?? null,
    method: r.method as string,
    calls: Number(r.calls),
    errors: Number(r.errors ?? 0),
    avgMs: r.avg_ms === null || r.avg_ms === undefined ? null : Math.round(Number(r.avg_ms) * 10) / 10,
    maxMs: r.max_ms === null || r.max_ms === undefined ? null : Number(r.max_ms),
  }));
}
