/**
 * The audit chain's rules one by one (issue 17): the hash of a row is defined here from the
 * chain's specification (HMAC-SHA256 under the derived key of the row's fields in a fixed
 * order), every hashed column edited alone breaks its row, each text field is cut at its own
 * column length and made well-formed, query keys hash in one canonical form, and the group
 * writer keeps order, batch size and failure to the batch that failed.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import {
  AuditEntry,
  auditChainKey,
  canonicalText,
  CHAIN_VERSION,
  GENESIS_HASH,
  listHash,
  queryKeyHash,
  rowHash,
  TEXT_LIMITS,
  toRow,
} from '../../../gateway/auditing/chain';
import * as dialect from '../../../core/dialect';
import * as store from '../../../gateway/auditing/store';
import { AuditWriter } from '../../../gateway/auditing/writer';
import { auditBatchSize } from '../../../core/metrics';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../../support/databases';
import { fullScans, selectsOf } from '../../support/query-plans';
import { lookupsByMatter, MatterLookups } from '../../../gateway/auditing/by-matter';

const KEY = 'rules-audit-key-0123456789-0123456789';
const CHAIN = auditChainKey(KEY);
const hmac = (key: Buffer | string, text: string) => crypto.createHmac('sha256', key).update(text).digest('hex');
const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

function entry(i: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: 1_700_000_000_000 + i * 1000,
    requestId: `req-${i}`,
    consumerId: 'zc-yichuang',
    method: 'getRKZP',
    interface: 'json',
    purpose: '办理居住证',
    queryKeyHash: queryKeyHash(KEY, `K${i}`),
    resultCode: '200',
    rows: 1,
    durationMs: 3,
    userId: `clerk-${i}`,
    matterCode: 'XK137',
    ...over,
  };
}

describe('the hash of a row, from the specification', () => {
  it('derives the chain key from AUDIT_KEY', () => {
    expect(CHAIN.toString('hex')).toBe(hmac(KEY, 'dprs audit chain v2'));
    expect(auditChainKey(KEY + 'x').equals(CHAIN)).toBe(false);
  });

  it('version 2: HMAC of every field in order, the 事项 and the user last; version 1: SHA-256 without them', () => {
    const row = toRow(7, 'a'.repeat(64), entry(7), CHAIN);
    const fields = [7, row.at, 'req-7', 'zc-yichuang', 'getRKZP', 'json', '办理居住证', row.query_key_hash, '200', 1, 3, 'a'.repeat(64)];
    expect(CHAIN_VERSION).toBe(2);
    expect(row.chain_version).toBe(2);
    expect(row.hash).toBe(hmac(CHAIN, JSON.stringify(['v2', ...fields, 'XK137', 'clerk-7'])));
    expect(rowHash(row, 1, CHAIN)).toBe(sha256(JSON.stringify(fields)));
    // absent optional fields hash as null
    const bare = toRow(8, GENESIS_HASH, entry(8, { userId: undefined, matterCode: undefined, durationMs: null, consumerId: null, purpose: null }), CHAIN);
    expect(bare).toMatchObject({ user_id: null, matter_code: null, duration_ms: null, consumer_id: null, purpose: null });
    expect(bare.hash).toBe(hmac(CHAIN, JSON.stringify(['v2', 8, bare.at, 'req-8', null, 'getRKZP', 'json', null, bare.query_key_hash, '200', 1, null, GENESIS_HASH, null, null])));
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('reads numbers stored as text as numbers', () => {
    const row = toRow(3, GENESIS_HASH, entry(3), CHAIN);
    const asText = { ...row, id: '3', at: String(row.at), rows: '1', duration_ms: '3' } as unknown as typeof row;
    expect(rowHash(asText, 2, CHAIN)).toBe(row.hash);
    expect(rowHash({ ...row, duration_ms: undefined as unknown as null }, 2, CHAIN)).toBe(rowHash({ ...row, duration_ms: null }, 2, CHAIN));
  });

  it('a list of item keys hashes as their comma-joined SHA-256', () => {
    expect(listHash(['a', 'b'])).toBe(sha256('a,b'));
    expect(listHash([])).toBe(sha256(''));
  });

  it('a query key hashes trimmed and upper-cased, keyed by AUDIT_KEY', () => {
    expect(queryKeyHash(KEY, ' 37030619900101123x ')).toBe(hmac(KEY, '37030619900101123X'));
    expect(queryKeyHash(KEY + 'x', '37030619900101123X')).not.toBe(queryKeyHash(KEY, '37030619900101123X'));
  });
});

describe('text as stored and hashed', () => {
  it.each(Object.entries(TEXT_LIMITS))('%s is cut at %i code points', (field, max) => {
    expect(TEXT_LIMITS).toEqual({ request_id: 64, consumer_id: 64, method: 64, purpose: 200, matter_code: 32, user_id: 64 });
    const over = (n: number) => '😀'.repeat(n);
    const e = entry(1, {
      requestId: field === 'request_id' ? over(max + 1) : 'r',
      consumerId: field === 'consumer_id' ? over(max + 1) : 'c',
      method: field === 'method' ? over(max + 1) : 'm',
      purpose: field === 'purpose' ? over(max + 1) : 'p',
      matterCode: field === 'matter_code' ? over(max + 1) : 'XK1',
      userId: field === 'user_id' ? over(max + 1) : 'u',
    });
    const row = toRow(1, GENESIS_HASH, e, CHAIN) as unknown as Record<string, string>;
    expect(row[field]).toBe(over(max));
    expect(toRow(1, GENESIS_HASH, { ...e, [camel(field)]: over(max) }, CHAIN)).toHaveProperty(field, over(max));
  });

  it('replaces controls other than tab, newline and carriage return, and lone surrogates', () => {
    for (let c = 0; c <= 0x20; c++) {
      const kept = c === 0x09 || c === 0x0a || c === 0x0d || c === 0x20;
      expect([c, canonicalText(`a${String.fromCharCode(c)}b`, 10)]).toEqual([c, kept ? `a${String.fromCharCode(c)}b` : 'a\ufffdb']);
    }
    expect(canonicalText('a\u007eb\u007fc\u0080', 10)).toBe('a\u007eb\ufffdc\u0080');
    expect(canonicalText('\ud83d\ude00', 10)).toBe('\ud83d\ude00');
    expect(canonicalText('a\ud83db', 10)).toBe('a\ufffdb');
    expect(canonicalText('a\ude00b', 10)).toBe('a\ufffdb');
    expect(canonicalText('\ude00\ud83d', 10)).toBe('\ufffd\ufffd');
    expect(canonicalText('e\u0301', 10)).toBe('\u00e9');
    expect(canonicalText('abc', 3)).toBe('abc');
    expect(canonicalText('abcd', 3)).toBe('abc');
  });
});

function camel(field: string): string {
  return field === 'request_id' ? 'requestId' : field === 'consumer_id' ? 'consumerId' : field === 'matter_code' ? 'matterCode' : field === 'user_id' ? 'userId' : field;
}

describe.each(STORAGE_TARGETS)('the chain on %s', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await freshDatabase(target);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await t.drop();
  });

  const changed: Record<string, unknown> = {
    at: 1_700_000_000_001,
    request_id: 'req-x',
    consumer_id: 'zc-other',
    method: 'getRKHY',
    interface: 'soap',
    purpose: '随便看看',
    query_key_hash: 'e'.repeat(64),
    result_code: '404',
    rows: 2,
    duration_ms: 99,
    prev_hash: 'f'.repeat(64),
    matter_code: 'XK001',
    user_id: 'clerk-x',
  };

  it('an edit of any hashed column alone breaks exactly its row', async () => {
    await store.appendEntries(t.db, CHAIN, Array.from({ length: 5 }, (_, i) => entry(i)));
    const original = await t.db('audit_log').where({ id: 3 }).first();
    for (const column of Object.keys(changed)) {
      await t.db('audit_log').where({ id: 3 }).update({ [column]: changed[column] });
      const v = await store.verifyChain(t.db, CHAIN);
      expect([column, v]).toEqual([column, expect.objectContaining({ ok: false, position: 3, id: 3, rows: 4, problem: '内容被修改（哈希不符）' })]);
      await t.db('audit_log').where({ id: 3 }).update({ [column]: original[column] });
    }
    expect(await store.verifyChain(t.db, CHAIN)).toMatchObject({ ok: true, rows: 5 });
  });

  it('a row re-linked to another predecessor, its hash recomputed with the key, is reported as a broken link', async () => {
    const rows = await store.appendEntries(t.db, CHAIN, Array.from({ length: 5 }, (_, i) => entry(i)));
    const relinked = { ...rows[3], prev_hash: rows[1].hash };
    await t.db('audit_log').where({ id: 4 }).update({ prev_hash: relinked.prev_hash, hash: rowHash(relinked, 2, CHAIN) });
    // the next row is left as it was: its link to row 4 breaks too
    const v = await store.verifyChain(t.db, CHAIN);
    expect(v).toMatchObject({ ok: false, position: 4, id: 4, problem: '前序记录被删除或顺序被调整（前序哈希不符）' });
    if (!v.ok) expect(v.problems.map((p) => [p.fromId, p.toId])).toEqual([[4, 5]]);
  });

  /**
   * The writer's transactions: each as the request ids it took once it held the lock, and when
   * each began and ended (`begin N`, `end N`); `during` runs right after a take.
   */
  function recordTakes(during?: (call: number) => void): { batches: string[][]; log: string[]; begun: () => number } {
    const real = store.appendWhenLocked;
    const batches: string[][] = [];
    const log: string[] = [];
    let calls = 0;
    jest.spyOn(store, 'appendWhenLocked').mockImplementation(async (db, key, take) => {
      const call = ++calls;
      log.push(`begin ${call}`);
      const rows = await real(db, key, () => {
        const entries = take();
        batches.push(entries.map((e) => e.requestId));
        during?.(call);
        return entries;
      });
      log.push(`end ${call}`);
      return rows;
    });
    return { batches, log, begun: () => calls };
  }

  it('the writer commits the appends made together as one batch up to its size, in order, and fails only the batch that failed', async () => {
    const takes = recordTakes();
    const before = (await auditBatchSize.get()).values.find((v) => v.metricName === 'dprs_audit_batch_rows_count')?.value ?? 0;
    const w = new AuditWriter(t.db, CHAIN, 3);
    await Promise.all(Array.from({ length: 7 }, (_, i) => w.append(entry(i))));
    expect(takes.batches).toEqual([['req-0', 'req-1', 'req-2'], ['req-3', 'req-4', 'req-5'], ['req-6']]);
    const after = (await auditBatchSize.get()).values.find((v) => v.metricName === 'dprs_audit_batch_rows_count')?.value ?? 0;
    expect(after - before).toBe(3);
    expect((await t.db('audit_log').orderBy('id')).map((r) => r.request_id)).toEqual(Array.from({ length: 7 }, (_, i) => `req-${i}`));

    // a later append, after the writer went idle, is written too
    await w.append(entry(7));
    expect(Number((await t.db('audit_log').count({ n: '*' }).first())!.n)).toBe(8);

    // the first transaction fails before it takes anything: the batch it would have taken
    // fails, the rest (queued behind it) is committed
    (store.appendWhenLocked as jest.Mock).mockImplementationOnce(async () => {
      throw new Error('injected');
    });
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => w.append(entry(10 + i))));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect(await store.verifyChain(t.db, CHAIN)).toMatchObject({ ok: true, rows: 10 });
  });

  it('the appends of lookups answered together share a batch, begun before the turn ends', async () => {
    const takes = recordTakes();
    const w = new AuditWriter(t.db, CHAIN);
    // how many transactions had been begun when this turn of the event loop ended
    const begunWhenTurnEnded = new Promise<number>((resolve) => setImmediate(() => resolve(takes.begun())));
    // lookups go on from the read they shared, each through awaits of its own
    const shared = Promise.resolve();
    await Promise.all([
      shared.then(() => w.append(entry(0))),
      shared.then(async () => {
        await null;
        await null;
        return w.append(entry(1));
      }),
    ]);
    expect(takes.batches).toEqual([['req-0', 'req-1']]);
    // the commit was not held back for another loop iteration (and the requests it takes in)
    expect(await begunWhenTurnEnded).toBe(1);
  });

  it('flush waits for everything queued so far', async () => {
    const w = new AuditWriter(t.db, CHAIN, 2);
    const pending = Array.from({ length: 5 }, (_, i) => w.append(entry(i)));
    await w.flush();
    expect(Number((await t.db('audit_log').count({ n: '*' }).first())!.n)).toBe(5);
    await Promise.all(pending);
    await w.flush(); // idle: returns at once
  });
  it('close waits for the entries queued before it to be committed', async () => {
    const commit = store.appendEntries;
    // a commit that takes a while, as one of several round trips does on MySQL
    jest.spyOn(store, 'appendEntries').mockImplementation(async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return commit(...args);
    });
    const w = new AuditWriter(t.db, CHAIN);
    const pending = w.append(entry(0));
    await w.close();
    expect(Number((await t.db('audit_log').count({ n: '*' }).first())!.n)).toBe(1);
    await pending;
  });
  it('verifies page by page: a chain of exactly a page, or one row more, verifies whole', async () => {
    await store.appendEntries(t.db, CHAIN, Array.from({ length: 4 }, (_, i) => entry(i)));
    expect(await store.verifyChain(t.db, CHAIN, { pageSize: 2 })).toMatchObject({ ok: true, rows: 4, lastId: 4, unkeyedRows: 0, anchorsChecked: 0 });
    expect(await store.verifyChain(t.db, CHAIN, { pageSize: 4 })).toMatchObject({ ok: true, rows: 4, lastId: 4 });
    await store.appendEntries(t.db, CHAIN, [entry(4)]);
    expect(await store.verifyChain(t.db, CHAIN, { pageSize: 4 })).toMatchObject({ ok: true, rows: 5, lastId: 5 });
    // an edit on the second page is found there
    await t.db('audit_log').where({ id: 5 }).update({ rows: 9 });
    expect(await store.verifyChain(t.db, CHAIN, { pageSize: 2 })).toMatchObject({ ok: false, position: 5, id: 5, rows: 4 });
    expect(await store.verifyChain(t.db, CHAIN, { pageSize: 4 })).toMatchObject({ ok: false, position: 5, id: 5, rows: 4 });
  });

  it('an empty chain verifies; appending nothing writes nothing', async () => {
    const head = await t.db('audit_chain').where({ id: 1 }).first();
    expect(await store.appendEntries(t.db, CHAIN, [])).toEqual([]);
    expect(await t.db('audit_chain').where({ id: 1 }).first()).toEqual(head);
    expect(await store.verifyChain(t.db, CHAIN)).toEqual({ ok: true, rows: 0, lastId: 0, unkeyedRows: 0, anchorsChecked: 0 });
  });

  it('links each appended batch to the head and moves the head to its last row', async () => {
    const first = await store.appendEntries(t.db, CHAIN, [entry(0), entry(1)]);
    expect(first.map((r) => [r.id, r.prev_hash === GENESIS_HASH])).toEqual([[1, true], [2, false]]);
    expect(first[1].prev_hash).toBe(first[0].hash);
    const head = await t.db('audit_chain').where({ id: 1 }).first();
    expect([Number(head.last_id), head.last_hash]).toEqual([2, first[1].hash]);
    const second = await store.appendEntries(t.db, CHAIN, [entry(2)]);
    expect(second[0]).toMatchObject({ id: 3, prev_hash: first[1].hash });
    expect(await t.db('audit_log').orderBy('id')).toEqual(expect.arrayContaining([expect.objectContaining({ id: 3, hash: second[0].hash, user_id: 'clerk-2', matter_code: 'XK137' })]));
  });

  it('reports a batch’s per-person list changed without its row', async () => {
    const people = [queryKeyHash(KEY, 'P1'), '-', queryKeyHash(KEY, 'P2')];
    await store.appendEntries(t.db, CHAIN, [entry(0), entry(1, { method: 'batchRKHY', itemKeyHashes: people, queryKeyHash: listHash(people) }), entry(2)]);
    expect(await store.verifyChain(t.db, CHAIN)).toMatchObject({ ok: true, rows: 3 });
    expect(store.unpackKeyHashes(store.packKeyHashes(people))).toEqual(people);
    await t.db('audit_batch_keys').where({ audit_id: 2 }).update({ hashes: store.packKeyHashes([people[0], people[2], '-']) });
    expect(await store.verifyChain(t.db, CHAIN)).toMatchObject({ ok: false, position: 2, id: 2, rows: 2, problem: '批量查询的逐项记录被修改（与本条哈希不符）' });
  });

  it('reports an unkeyed row after keyed ones', async () => {
    const rows = await store.appendEntries(t.db, CHAIN, [entry(0), entry(1), entry(2)]);
    const forged = { ...rows[1], chain_version: 1 };
    await t.db('audit_log').where({ id: 2 }).update({ chain_version: 1, hash: rowHash(forged, 1, CHAIN) });
    await t.db('audit_log').where({ id: 3 }).update({ prev_hash: rowHash(forged, 1, CHAIN), hash: rowHash({ ...rows[2], prev_hash: rowHash(forged, 1, CHAIN) }, 2, CHAIN) });
    await t.db('audit_chain').where({ id: 1 }).update({ last_hash: rowHash({ ...rows[2], prev_hash: rowHash(forged, 1, CHAIN) }, 2, CHAIN) });
    expect(await store.verifyChain(t.db, CHAIN)).toMatchObject({ ok: false, position: 2, id: 2, unkeyedRows: 1, problem: '无密钥记录出现在带密钥记录之后（链被无密钥改写）' });
  });

  it('prunes rows strictly older than the retention, their batch lists with them, keeping at least 180 days', async () => {
    const day = 86400000;
    const now = 1_800_000_000_000;
    const people = [queryKeyHash(KEY, 'P1')];
    await store.appendEntries(t.db, CHAIN, [
      entry(1, { at: now - 181 * day, method: 'batchRKHY', itemKeyHashes: people, queryKeyHash: listHash(people) }),
      entry(2, { at: now - 180 * day, method: 'batchRKHY', itemKeyHashes: people, queryKeyHash: listHash(people) }),
      entry(3, { at: now - 180 * day + 1 }),
    ]);
    await expect(store.pruneAudit(t.db, 179, now)).rejects.toThrow('审计日志保留期不得少于 180 天');
    expect(await store.pruneAudit(t.db, 181, now)).toBe(0); // the oldest row is exactly 181 days old: kept
    expect(await store.pruneAudit(t.db, 180, now)).toBe(1);
    expect((await t.db('audit_log').orderBy('id')).map((r) => Number(r.id))).toEqual([2, 3]);
    expect((await t.db('audit_batch_keys')).map((r) => Number(r.audit_id))).toEqual([2]);
    const head = await t.db('audit_chain').where({ id: 1 }).first();
    expect(Number(head.anchor_id)).toBe(1);
    expect(await store.verifyChain(t.db, CHAIN)).toMatchObject({ ok: true, rows: 2, lastId: 3 });
    expect((await store.lookupsOfKey(t.db, people[0])).map((r) => r.at)).toEqual([now - 180 * day]);
  });

  it('answers who looked a key up, newest first, with what the row holds, up to a limit', async () => {
    const key = queryKeyHash(KEY, 'P1');
    await store.appendEntries(t.db, CHAIN, [
      entry(1, { queryKeyHash: key, matterCode: null, userId: null }),
      entry(2),
      entry(3, { method: 'batchRKHY', itemKeyHashes: ['-', key], queryKeyHash: listHash(['-', key]), interface: 'soap', resultCode: '404', rows: 0, purpose: '核对' }),
      entry(4, { queryKeyHash: key }),
    ]);
    const seen = await store.lookupsOfKey(t.db, key);
    expect(seen).toEqual([
      { at: entry(4).at, consumerId: 'zc-yichuang', method: 'getRKZP', interface: 'json', purpose: '办理居住证', matterCode: 'XK137', resultCode: '200', rows: 1, userId: 'clerk-4' },
      { at: entry(3).at, consumerId: 'zc-yichuang', method: 'batchRKHY', interface: 'soap', purpose: '核对', matterCode: 'XK137', resultCode: '404', rows: 0, userId: 'clerk-3' },
      { at: entry(1).at, consumerId: 'zc-yichuang', method: 'getRKZP', interface: 'json', purpose: '办理居住证', matterCode: null, resultCode: '200', rows: 1, userId: null },
    ]);
    expect((await store.lookupsOfKey(t.db, key, 2)).map((r) => r.at)).toEqual([entry(4).at, entry(3).at]);
  });
  it("the operator's statistics find the lookups of the hours asked by index, not by a scan of the log", async () => {
    // 2,000 lookups a second apart, the last ten asked for: enough rows for MariaDB's optimizer to weigh an index
    for (let i = 0; i < 2000; i += 500) await store.appendEntries(t.db, CHAIN, Array.from({ length: 500 }, (_, k) => entry(i + k + 1)));
    if (target === 'mysql') await t.db.raw('analyze table `audit_log`');
    const since = entry(1991).at;
    let stats: store.ConsumerMethodStats[] = [];
    let byMatter: MatterLookups[] = [];
    const selects = await selectsOf(t.db, async () => {
      stats = await store.consumerMethodStats(t.db, since);
      byMatter = await lookupsByMatter(t.db, since, entry(2000).at + 1);
    });
    expect(stats).toEqual([expect.objectContaining({ consumerId: 'zc-yichuang', method: 'getRKZP', calls: 10 })]);
    expect(byMatter).toEqual([{ matterCode: 'XK137', calls: 10, errors: 0 }]);
    expect(selects).toHaveLength(2);
    for (const q of selects) expect({ sql: q.sql, scans: await fullScans(t.db, target, q.sql, q.bindings) }).toEqual({ sql: q.sql, scans: [] });
  });

  // an append is one transaction: on SQLite synchronous (the writer lock stands for the head's),
  // on MySQL statements sent without knex under the head row's lock (dialect.directTransaction)
  describe('appending, as one transaction', () => {
    it('links the batch to the head, moves the head, and writes a batch’s list in the same transaction', async () => {
      const people = [queryKeyHash(KEY, 'P1'), '-'];
      const first = await store.appendEntries(t.db, CHAIN, [entry(0)]);
      const second = await store.appendEntries(t.db, CHAIN, [entry(1, { method: 'batchRKHY', itemKeyHashes: people, queryKeyHash: listHash(people) }), entry(2)]);
      const rows = [...first, ...second];
      expect(rows.map((r) => [r.id, r.prev_hash])).toEqual([[1, GENESIS_HASH], [2, rows[0].hash], [3, rows[1].hash]]);
      const head = await t.db('audit_chain').where({ id: 1 }).first();
      expect([Number(head.last_id), head.last_hash]).toEqual([3, rows[2].hash]);
      expect((await t.db('audit_log').orderBy('id')).map((r) => [Number(r.id), r.hash, r.request_id])).toEqual(rows.map((r) => [r.id, r.hash, r.request_id]));
      const lists = await t.db('audit_batch_keys');
      expect(lists.map((k) => [Number(k.audit_id), store.unpackKeyHashes(k.hashes)])).toEqual([[2, people]]);
      expect(await store.verifyChain(t.db, CHAIN)).toMatchObject({ ok: true, rows: 3 });
    });

    it('writes a batch larger than one insert statement whole and in order', async () => {
      const many = Array.from({ length: 1203 }, (_, i) => entry(i, { purpose: i % 2 ? "户籍'业务\\办理" : null }));
      await store.appendEntries(t.db, CHAIN, many);
      const stored = await t.db('audit_log').orderBy('id').select('request_id', 'purpose');
      expect(stored.map((r) => [r.request_id, r.purpose])).toEqual(many.map((e) => [e.requestId, e.purpose]));
      expect(await store.verifyChain(t.db, CHAIN, { pageSize: 500 })).toMatchObject({ ok: true, rows: 1203, lastId: 1203 });
      // exactly one statement's worth (500 rows on either database)
      await store.appendEntries(t.db, CHAIN, Array.from({ length: 500 }, (_, i) => entry(2000 + i)));
      expect(await store.verifyChain(t.db, CHAIN, { pageSize: 500 })).toMatchObject({ ok: true, rows: 1703, lastId: 1703 });
    });

    it('writes nothing of a batch that fails part-way, nor moves the head', async () => {
      await store.appendEntries(t.db, CHAIN, [entry(0)]);
      const head = await t.db('audit_chain').where({ id: 1 }).first();
      // the batch's list, written after its rows, clashes with a list already stored for its row's id
      await t.db('audit_batch_keys').insert({ audit_id: 3, hashes: store.packKeyHashes(['-']) });
      const people = [queryKeyHash(KEY, 'P1')];
      await expect(store.appendEntries(t.db, CHAIN, [entry(1), entry(2, { method: 'batchRKHY', itemKeyHashes: people, queryKeyHash: listHash(people) })])).rejects.toMatchObject({
        code: expect.stringMatching(/^SQLITE_CONSTRAINT|^ER_DUP_ENTRY$/),
      });
      await t.db('audit_batch_keys').del();
      expect((await t.db('audit_log')).map((r) => Number(r.id))).toEqual([1]);
      expect(await t.db('audit_chain').where({ id: 1 }).first()).toEqual(head);
      expect(await store.appendEntries(t.db, CHAIN, [entry(3)])).toMatchObject([{ id: 2, prev_hash: head.last_hash }]);
    });

    it('on MySQL appends again after a deadlock, up to five attempts, and not after any other error (SQLite has none to retry)', async () => {
      const real = dialect.directTransaction;
      const failing = (failures: number, err: object) => {
        let attempts = 0;
        jest.spyOn(dialect, 'directTransaction').mockImplementation(((db: Knex, work: never) =>
          ++attempts <= failures ? Promise.reject(Object.assign(new Error('injected'), err)) : real(db, work)) as typeof real);
        return () => attempts;
      };
      const deadlock = { code: 'ER_LOCK_DEADLOCK', errno: 1213 };
      try {
        const four = failing(4, deadlock);
        expect(await store.appendEntries(t.db, CHAIN, [entry(0)])).toHaveLength(1);
        if (target === 'sqlite') {
          expect(four()).toBe(0);
          return;
        }
        expect(four()).toBe(5);
        const five = failing(5, deadlock);
        await expect(store.appendEntries(t.db, CHAIN, [entry(1)])).rejects.toThrow('injected');
        expect(five()).toBe(5);
        const other = failing(1, { code: 'ER_DUP_ENTRY' });
        await expect(store.appendEntries(t.db, CHAIN, [entry(1)])).rejects.toThrow('injected');
        expect(other()).toBe(1);
      } finally {
        jest.restoreAllMocks();
      }
      expect(await store.verifyChain(t.db, CHAIN)).toMatchObject({ ok: true, rows: 1 });
    });
  });

  it('refuses to append or prune without the head row', async () => {
    await t.db('audit_chain').del();
    await expect(store.appendEntries(t.db, CHAIN, [entry(0)])).rejects.toThrow('audit_chain head row missing (migration 401 not applied?)');
    await expect(store.pruneAudit(t.db, 200)).rejects.toThrow('audit_chain head row missing (migration 401 not applied?)');
    expect(await t.db('audit_log')).toEqual([]);
  });

  it('reports adjacent problems of different kinds as separate ranges', async () => {
    await store.appendEntries(t.db, CHAIN, Array.from({ length: 6 }, (_, i) => entry(i)));
    await t.db('audit_log').where({ id: 3 }).update({ purpose: '改过' });
    await t.db('audit_log').where({ id: 4 }).del();
    const v = await store.verifyChain(t.db, CHAIN);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.problems).toEqual([
        { position: 3, fromId: 3, toId: 3, problem: '内容被修改（哈希不符）' },
        { position: 4, fromId: 5, toId: 5, problem: '前序记录被删除或顺序被调整（前序哈希不符）' },
      ]);
    }
  });

  it('reports a gap in the ids even when the next row was re-linked and re-hashed with the key', async () => {
    const rows = await store.appendEntries(t.db, CHAIN, Array.from({ length: 4 }, (_, i) => entry(i)));
    await t.db('audit_log').where({ id: 3 }).del();
    const relinked = { ...rows[3], prev_hash: rows[1].hash };
    await t.db('audit_log').where({ id: 4 }).update({ prev_hash: relinked.prev_hash, hash: rowHash(relinked, 2, CHAIN) });
    await t.db('audit_chain').where({ id: 1 }).update({ last_hash: rowHash(relinked, 2, CHAIN) });
    expect(await store.verifyChain(t.db, CHAIN)).toMatchObject({ ok: false, position: 3, id: 4, problems: [{ position: 3, fromId: 4, toId: 4, problem: '记录缺失（编号从 2 跳到 4）' }] });
  });

  it('reports the rows after the last one left, up to the head: deleted, or the last row replaced', async () => {
    const rows = await store.appendEntries(t.db, CHAIN, Array.from({ length: 5 }, (_, i) => entry(i)));
    await t.db('audit_log').whereIn('id', [4, 5]).del();
    expect(await store.verifyChain(t.db, CHAIN)).toMatchObject({ ok: false, rows: 3, problems: [{ position: 4, fromId: 4, toId: 5, problem: '链尾记录被删除（与链头不符）' }] });
    // the head's id matches again, its hash does not: the last row was replaced (re-hashed with the key)
    await t.db('audit_chain').where({ id: 1 }).update({ last_id: 3 });
    const replaced = { ...rows[2], rows: 7 };
    await t.db('audit_log').where({ id: 3 }).update({ rows: 7, hash: rowHash(replaced, 2, CHAIN) });
    expect(await store.verifyChain(t.db, CHAIN)).toMatchObject({ ok: false, rows: 3, problems: [{ fromId: 4, toId: 3, problem: '链尾记录被删除（与链头不符）' }] });
  });

  it('reports a head whose last id was changed alone, its hash still the last row’s', async () => {
    await store.appendEntries(t.db, CHAIN, Array.from({ length: 3 }, (_, i) => entry(i)));
    await t.db('audit_chain').where({ id: 1 }).update({ last_id: 4 });
    expect(await store.verifyChain(t.db, CHAIN)).toMatchObject({ ok: false, rows: 3, problems: [{ position: 4, fromId: 4, toId: 4, problem: '链尾记录被删除（与链头不符）' }] });
  });

  it('compares each anchor not pruned since, and names the range an anchor no longer matches', async () => {
    const day = 86400000;
    const now = 1_800_000_000_000;
    const rows = await store.appendEntries(t.db, CHAIN, Array.from({ length: 5 }, (_, i) => entry(i, { at: i < 2 ? now - 300 * day : now - day })));
    const anchor = (r: (typeof rows)[number]) => ({ at: now, lastId: r.id, hash: r.hash, count: r.id });
    expect(await store.verifyChain(t.db, CHAIN, { anchors: [anchor(rows[1]), anchor(rows[3])] })).toMatchObject({ ok: true, anchorsChecked: 2 });
    const forged = { ...anchor(rows[3]), hash: 'f'.repeat(64) };
    expect(await store.verifyChain(t.db, CHAIN, { anchors: [forged] })).toMatchObject({ ok: false, problems: [{ position: 0, fromId: 1, toId: 4 }] });
    // rows 1–2 pruned: an anchor at row 2 has nothing left to compare; one at row 4 still counts, from row 3
    expect(await store.pruneAudit(t.db, 200, now)).toBe(2);
    expect(await store.verifyChain(t.db, CHAIN, { anchors: [anchor(rows[1]), anchor(rows[3])] })).toMatchObject({ ok: true, anchorsChecked: 1 });
    expect(await store.verifyChain(t.db, CHAIN, { anchors: [forged] })).toMatchObject({ ok: false, problems: [{ position: 0, fromId: 3, toId: 4 }] });
  });

  it('a transaction takes what arrived while it waited for the head lock', async () => {
    const takes = recordTakes();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    // another process's append holds the lock (on SQLite, the one writer)
    const other = t.db.transaction(async (trx) => {
      await dialect.lockRowsForUpdate(trx, trx('audit_chain').where({ id: 1 }).first());
      await trx('audit_chain').where({ id: 1 }).update({ updated_at: 1 });
      locked();
      await held;
    });
    await holding;
    const w = new AuditWriter(t.db, CHAIN);
    const first = [0, 1, 2].map((i) => w.append(entry(i)));
    await new Promise((r) => setTimeout(r, 30)); // the writer's transaction waits for the lock
    const later = [3, 4].map((i) => w.append(entry(i)));
    await new Promise((r) => setTimeout(r, 30));
    expect(takes.batches).toEqual([]);
    release();
    await other;
    await Promise.all([...first, ...later]);
    expect(takes.batches).toEqual([['req-0', 'req-1', 'req-2', 'req-3', 'req-4']]);
    expect(await store.verifyChain(t.db, CHAIN)).toMatchObject({ ok: true, rows: 5 });
  });

  it('the next batch waits at the lock while one commits (MySQL), or begins once it is done (SQLite)', async () => {
    const w = new AuditWriter(t.db, CHAIN);
    let later: Array<Promise<void>> = [];
    // appends arriving while the first batch is being committed
    const takes = recordTakes((call) => {
      if (call === 1) later = [3, 4].map((i) => w.append(entry(i)));
    });
    await Promise.all([0, 1, 2].map((i) => w.append(entry(i))));
    await Promise.all(later);
    expect(takes.batches).toEqual([['req-0', 'req-1', 'req-2'], ['req-3', 'req-4']]);
    // MySQL: the second transaction was begun before the first ended; SQLite: after
    expect(takes.log.indexOf('begin 2') < takes.log.indexOf('end 1')).toBe(target === 'mysql');
    expect((await t.db('audit_log').orderBy('id')).map((r) => r.request_id)).toEqual(['req-0', 'req-1', 'req-2', 'req-3', 'req-4']);
    expect(await store.verifyChain(t.db, CHAIN)).toMatchObject({ ok: true, rows: 5 });
  });
});
