/**
 * Audit storage: appends batches to the chain under the head-row lock, verifies the chain,
 * prunes by retention, and answers "who looked this key up". The only code touching
 * audit_log, audit_chain and audit_batch_keys (./key-blocks derives audit_key_blocks from audit_log).
 *
 * A batch lookup's per-person keyed hashes are one row of audit_batch_keys: the 32-byte
 * hashes packed in order into one blob (32 kB for 1,000 people, where a row per person took
 * ~180 kB with its index). "Who looked me up" finds a person inside them with a byte search
 * (instr) over that table, confirmed at a hash boundary.
 */
import type { Knex } from 'knex';
import type { Db } from '../../core/db';
import { batchRowsFor, directTransaction, insertRowSql, lockRowsForUpdate, syncTransaction } from '../../core/dialect';
import { isRetryable } from '../../core/db-errors';
import { AuditEntry, AuditRow, GENESIS_HASH, listHash, rowHash, toRow } from './chain';
import type { Anchor } from './anchors';
import { alteredKeyBlocks, rangesToSearch } from './key-blocks';

const HEAD_ID = 1;
/** 网络安全法 Art. 21: network logs are kept for at least six months. */
export const MIN_RETENTION_DAYS = 180;

interface Head {
  last_id: number;
  last_hash: string;
  anchor_id: number;
  anchor_hash: string;
}

/** The chain's head row, as read; missing only where the migration that makes it never ran. */
function existingHead<T>(head: T | undefined): T {
  if (!head) throw new Error('audit_chain head row missing (migration 401 not applied?)');
  return head;
}

async function lockHead(trx: Knex.Transaction): Promise<Head> {
  // Stryker disable next-line ObjectLiteral: audit_chain holds the head row only
  const q = lockRowsForUpdate(trx, trx('audit_chain').where({ id: HEAD_ID }).first());
  const head = existingHead((await q) as Head | undefined);
  return { ...head, last_id: Number(head.last_id), anchor_id: Number(head.anchor_id) };
}

const HASH_BYTES = 32;
/** an item that was not a valid key ('-' in the list) */
const NO_KEY = Buffer.alloc(HASH_BYTES);

export function packKeyHashes(hashes: readonly string[]): Buffer {
  return Buffer.concat(hashes.map((h) => (h === '-' ? NO_KEY : Buffer.from(h, 'hex'))));
}

export function unpackKeyHashes(packed: Buffer): string[] {
  const out: string[] = [];
  for (let i = 0; i + HASH_BYTES <= packed.length; i += HASH_BYTES) {
    const h = packed.subarray(i, i + HASH_BYTES);
    out.push(h.equals(NO_KEY) ? '-' : h.toString('hex'));
  }
  return out;
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

/** The entries as chained rows after the head, with a batch lookup's per-person hashes. */
function chainAfter(head: Pick<Head, 'last_id' | 'last_hash'>, entries: AuditEntry[], chainKey: Buffer) {
  const rows: AuditRow[] = [];
  let prev = head.last_hash;
  let id = Number(head.last_id);
  for (const e of entries) {
    const row = toRow(++id, prev, e, chainKey);
    rows.push(row);
    prev = row.hash;
  }
  const keys = entries.flatMap((e, i) => (e.itemKeyHashes ? [{ audit_id: rows[i].id, hashes: packKeyHashes(e.itemKeyHashes) }] : []));
  // Stryker disable next-line ObjectLiteral: audit_chain holds the head row only
  return { rows, keys, head: { last_id: id, last_hash: prev, updated_at: Date.now() } };
}

const HEAD_SQL = 'select `last_id`, `last_hash` from `audit_chain` where `id` = ?';
const UPDATE_HEAD_SQL = 'update `audit_chain` set `last_id` = ?, `last_hash` = ?, `updated_at` = ? where `id` = ?';

/** Appends entries, in order, as one transaction. Resolves once they are committed. */
export function appendEntries(db: Db, chainKey: Buffer, entries: AuditEntry[]): Promise<AuditRow[]> {
  return appendWhenLocked(db, chainKey, () => entries);
}

/**
 * Appends, as one transaction, the entries `take` gives once the chain's head is locked —
 * called once, also when the transaction is retried — and resolves once they are committed.
 * On MySQL a transaction can so wait at the lock while the one before it commits and take
 * everything that arrived meanwhile (./writer).
 */
export async function appendWhenLocked(db: Db, chainKey: Buffer, take: () => AuditEntry[]): Promise<AuditRow[]> {
  let taken: AuditEntry[] | undefined;
  const entriesOnce = () => (taken ??= take());
  // SQLite: the batch as one synchronous transaction, statements prepared once, no knex (its
  // query building was a sixth of a lookup's CPU); the writer lock stands for the head lock
  const direct = await syncTransaction(db, (sql) => {
    const entries = entriesOnce();
    if (entries.length === 0) return [];
    const head = existingHead(sql.get<Head>(HEAD_SQL, [HEAD_ID]));
    const next = chainAfter(head, entries, chainKey);
    const insert = insertRowSql('audit_log', Object.keys(next.rows[0]));
    for (const r of next.rows) sql.run(insert, Object.values(r));
    for (const k of next.keys) sql.run(insertRowSql('audit_batch_keys', Object.keys(k)), Object.values(k));
    sql.run(UPDATE_HEAD_SQL, [...Object.values(next.head), HEAD_ID]);
    return next.rows;
  });
  if (direct) return direct.value;
  // MySQL: the same statements without knex, the head row locked until the commit
  return withDeadlockRetry(() => directTransaction(db, async (sql) => {
    const head = existingHead((await sql.rows<Head>(`${HEAD_SQL} for update`, [HEAD_ID]))[0]);
    const entries = entriesOnce();
    if (entries.length === 0) return [];
    const next = chainAfter(head, entries, chainKey);
    const columns = Object.keys(next.rows[0]);
    const batch = batchRowsFor(db, columns.length);
    for (let i = 0; i < next.rows.length; i += batch) {
      const rows = next.rows.slice(i, i + batch);
      await sql.run(insertRowSql('audit_log', columns, rows.length), rows.flatMap((r) => Object.values(r)));
    }
    for (const k of next.keys) await sql.run(insertRowSql('audit_batch_keys', Object.keys(k)), Object.values(k));
    await sql.run(UPDATE_HEAD_SQL, [...Object.values(next.head), HEAD_ID]);
    return next.rows;
  }));
}

/** The per-person hashes of the batch rows on one page, in order, by audit row id. */
async function batchKeysOf(db: Db, page: AuditRow[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (page.length === 0) return out;
  const keys = (await db('audit_batch_keys').whereBetween('audit_id', [Number(page[0].id), Number(page[page.length - 1].id)])) as Array<{ audit_id: number; hashes: Buffer }>;
  for (const k of keys) out.set(Number(k.audit_id), unpackKeyHashes(k.hashes));
  return out;
}

/** One stretch of consecutive rows that failed verification. */
export interface ChainProblem {
  /** 1-based position in the verified chain of the first row concerned */
  position: number;
  fromId: number;
  toId: number;
  problem: string;
}

export type VerifyResult =
  | { ok: true; rows: number; lastId: number; unkeyedRows: number; anchorsChecked: number }
  | { ok: false; rows: number; position: number; id: number; problem: string; problems: ChainProblem[]; unkeyedRows: number; anchorsChecked: number };

/**
 * Walks the whole chain in id order from the prune anchor and reports every broken range:
 * rows whose hash does not match their contents (edited — with the key, a re-hashed row
 * too), whose prev_hash does not match their predecessor (deleted or reordered), whose id
 * skips (deleted), unkeyed (version 1) rows after keyed ones (rewritten without the key),
 * a batch's per-person list that does not match its row, a head that does not match the
 * last row, a key block (./key-blocks) that does not match its rows, and every anchor
 * (./anchors) the database no longer agrees with.
 */
export async function verifyChain(db: Db, chainKey: Buffer, opts: { anchors?: Anchor[]; pageSize?: number } = {}): Promise<VerifyResult> {
  const pageSize = opts.pageSize ?? 5000;
  const head = (await db('audit_chain').where({ id: HEAD_ID }).first()) as Head | undefined;
  let prevHash = head?.anchor_hash ?? GENESIS_HASH;
  let prevId = head ? Number(head.anchor_id) : 0;
  let position = 0;
  let intact = 0;
  let unkeyedRows = 0;
  let keyedSeen = false;
  const problems: ChainProblem[] = [];
  // Stryker disable next-line BooleanLiteral: reset before each row, read only after it
  let broken = false;
  const report = (id: number, problem: string) => {
    broken = true;
    const last = problems[problems.length - 1];
    if (last && last.problem === problem && last.toId === prevId) last.toId = id;
    else problems.push({ position, fromId: id, toId: id, problem });
  };
  for (;;) {
    const page = (await db('audit_log').where('id', '>', prevId).orderBy('id').limit(pageSize)) as AuditRow[];
    const keysOf = await batchKeysOf(db, page);
    for (const r of page) {
      position++;
      const id = Number(r.id);
      const version = Number(r.chain_version ?? 1);
      broken = false;
      if (version === 1) {
        unkeyedRows++;
        if (keyedSeen) report(id, '无密钥记录出现在带密钥记录之后（链被无密钥改写）');
      } else keyedSeen = true;
      if (r.hash !== rowHash({ ...r, id, at: Number(r.at), rows: Number(r.rows) }, version, chainKey)) report(id, '内容被修改（哈希不符）');
      else if (r.prev_hash !== prevHash) report(id, '前序记录被删除或顺序被调整（前序哈希不符）');
      else if (id !== prevId + 1) report(id, `记录缺失（编号从 ${prevId} 跳到 ${id}）`);
      const keys = keysOf.get(id);
      if (keys && listHash(keys) !== r.query_key_hash) report(id, '批量查询的逐项记录被修改（与本条哈希不符）');
      if (!broken) intact++;
      // go on from this row as it stands, so every later break is found as well
      prevHash = r.hash;
      prevId = id;
    }
    if (page.length < pageSize) break;
  }
  if (head && (prevId !== Number(head.last_id) || prevHash !== head.last_hash)) {
    position++;
    problems.push({ position, fromId: prevId + 1, toId: Number(head.last_id), problem: '链尾记录被删除（与链头不符）' });
  }
  for (const b of await alteredKeyBlocks(db, Number(head?.anchor_id ?? 0))) {
    problems.push({ position: 0, fromId: b.firstId, toId: b.lastId, problem: '查询键索引块与记录不符（“谁查过我”可能漏报这些记录）' });
  }
  let anchorsChecked = 0;
  for (const a of opts.anchors ?? []) {
    if (head && a.lastId <= Number(head.anchor_id)) continue; // pruned since: nothing left to compare
    anchorsChecked++;
    const row = (await db('audit_log').where({ id: a.lastId }).first('hash')) as { hash: string } | undefined;
    if (!row || row.hash !== a.hash) {
      problems.push({ position: 0, fromId: Number(head?.anchor_id ?? 0) + 1, toId: a.lastId, problem: `与 ${new Date(a.at).toISOString()} 的锚点不符（编号 ${a.lastId} 及以前的记录被改写或删除）` });
    }
  }
  if (problems.length === 0) return { ok: true, rows: position, lastId: prevId, unkeyedRows, anchorsChecked };
  const first = problems[0];
  return { ok: false, rows: intact, position: first.position, id: first.fromId, problem: first.problem, problems, unkeyedRows, anchorsChecked };
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
    await trx('audit_batch_keys').where('audit_id', '<=', last.id).del();
    await trx('audit_key_blocks').where('last_id', '<=', last.id).del();
    const n = await trx('audit_log').where('id', '<=', last.id).del();
    // Stryker disable next-line ObjectLiteral: audit_chain holds the head row only
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

/** Ids of the batch rows whose packed list holds this hash at a hash boundary. */
async function batchesHolding(db: Db, keyHash: string): Promise<number[]> {
  const needle = Buffer.from(keyHash, 'hex');
  const candidates = (await db('audit_batch_keys').whereRaw('instr(hashes, ?) > 0', [needle]).select('audit_id', 'hashes')) as Array<{ audit_id: number; hashes: Buffer }>;
  return candidates
    .filter((c) => {
      for (let i = c.hashes.indexOf(needle); i >= 0; i = c.hashes.indexOf(needle, i + 1)) if (i % HASH_BYTES === 0) return true;
      return false;
    })
    .map((c) => Number(c.audit_id));
}

/** "Who looked me up": every lookup of one key, newest first — batches that held it included. */
export async function lookupsOfKey(db: Db, keyHash: string, limit = 1000): Promise<LookupOfKey[]> {
  const batches = await batchesHolding(db, keyHash);
  const found = batches.length === 0 ? [] : ((await db('audit_log').whereIn('id', batches).orderBy('id', 'desc').limit(limit)) as AuditRow[]);
  // the ranges one by one, newest first, until the limit is reached: an OR of ranges is a
  // full scan on SQLite
  const ranges = (await rangesToSearch(db, keyHash)).reverse();
  let ownRows = 0;
  for (const r of ranges) {
    if (ownRows >= limit) break;
    const q = db('audit_log').where({ query_key_hash: keyHash });
    const inRange = (await (r.to === null ? q.andWhere('id', '>=', r.from) : q.andWhereBetween('id', [r.from, r.to])).orderBy('id', 'desc').limit(limit - ownRows)) as AuditRow[];
    found.push(...inRange);
    ownRows += inRange.length;
  }
  const rows = found.sort((a, b) => Number(b.id) - Number(a.id)).slice(0, limit);
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
    // grouped method first: grouped consumer first, SQLite walks the whole (consumer_id, at)
    // index for its order instead of reading the hours asked for by audit_log_at (migration 410)
    .groupBy('method', 'consumer_id')
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
