/**
 * The audit chain survives any input and any database writer without the key: text is
 * canonicalised before hashing (stored == hashed on both databases), the chain is an HMAC
 * under a key the database does not hold, anchors outside the database catch a consistent
 * rewrite, and verification reports every broken range. A batch's per-person hashes are one
 * compact row, still found by "who looked me up". Existing (unkeyed) databases migrate.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AuditEntry, AuditRow, auditChainKey, canonicalText, listHash, queryKeyHash, rowHash } from '../../../gateway/auditing/chain';
import { appendEntries, lookupsOfKey, verifyChain } from '../../../gateway/auditing/store';
import { anchorFile, readAnchors, scheduleAnchors, takeAnchor, verifyAnchoredChain } from '../../../gateway/auditing/anchors';
import { createLogger } from '../../../core/logger';
import { migrate, migrationSource } from '../../../scripts/app/migrations';
import { freshDatabase, STORAGE_TARGETS, tempDir, TestDatabase } from '../../support/databases';

const AUDIT_KEY = 'audit-key-audit-key-audit-key-0123456789';
const CHAIN = auditChainKey(AUDIT_KEY);
const HASHED_COLUMNS = ['at', 'request_id', 'consumer_id', 'method', 'interface', 'purpose', 'query_key_hash', 'result_code', 'rows', 'duration_ms', 'prev_hash', 'matter_code'] as const;

function entry(i: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: 1_700_000_000_000 + i * 1000,
    requestId: `req-${i}`,
    consumerId: 'zc-yichuang',
    method: 'getRKZP',
    interface: 'json',
    purpose: '办理居住证',
    queryKeyHash: queryKeyHash(AUDIT_KEY, `K${i}`),
    resultCode: '200',
    rows: 1,
    durationMs: 3,
    ...over,
  };
}

/** What an attacker without the key can do: recompute a row's hash the unkeyed way. */
const unkeyed = (r: AuditRow) => rowHash({ ...r, id: Number(r.id), at: Number(r.at), rows: Number(r.rows) }, 1, Buffer.alloc(0));

describe.each(STORAGE_TARGETS)('audit integrity on %s', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await freshDatabase(target);
  });
  afterEach(async () => {
    await t.drop();
  });

  const rows = async () => (await t.db('audit_log').orderBy('id')) as AuditRow[];

  it('stores exactly what it hashed, whatever the text: emoji cut at the limit, lone surrogates, non-NFC, controls', async () => {
    const purposes = ['😀'.repeat(150) + '办理', '办\ud800理', '\udc00', 'Cafe\u0301 e\u0301', '证'.repeat(300), 'a\u0000b\u001f', '👨‍👩‍👧‍👦'.repeat(60), '\u0958'.repeat(199)];
    await appendEntries(t.db, CHAIN, purposes.map((purpose, i) => entry(i, { purpose, consumerId: `c-${purpose.slice(0, 80)}` })));
    const stored = await rows();
    stored.forEach((r, i) => {
      expect(r.purpose).toBe(canonicalText(purposes[i], 200));
      expect([...r.purpose!].length).toBeLessThanOrEqual(200);
      expect(r.purpose).toBe(r.purpose!.normalize('NFC'));
      expect(r.purpose).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    });
    expect(stored[3].purpose).toBe('Café é');
    expect(await verifyChain(t.db, CHAIN)).toMatchObject({ ok: true, rows: purposes.length });
  });

  it.each(HASHED_COLUMNS)('detects %s tampered even with the row hash recomputed (without the key)', async (column) => {
    await appendEntries(t.db, CHAIN, Array.from({ length: 6 }, (_, i) => entry(i)));
    const r = (await rows())[2];
    const tampered: Record<string, unknown> = { ...r };
    const changed: Record<string, unknown> = {
      at: Number(r.at) + 1, request_id: 'req-x', consumer_id: 'zc-other', method: 'getRKHY', interface: 'soap', purpose: '随便看看',
      query_key_hash: queryKeyHash(AUDIT_KEY, 'other'), result_code: '404', rows: 0, duration_ms: 99, prev_hash: 'f'.repeat(64), matter_code: 'XK001',
    };
    tampered[column] = changed[column];
    const rehashed = unkeyed(tampered as unknown as AuditRow);
    await t.db('audit_log').where({ id: r.id }).update({ [column]: changed[column], hash: rehashed });
    // the next row's link is mended too, as a forger would
    const next = (await rows())[3];
    await t.db('audit_log').where({ id: next.id }).update({ prev_hash: rehashed });
    const v = await verifyChain(t.db, CHAIN);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.problems.map((p) => p.fromId)).toContain(3);
    // claiming the row is an old unkeyed one does not help either
    await t.db('audit_log').where({ id: r.id }).update({ chain_version: 1 });
    expect((await verifyChain(t.db, CHAIN)).ok).toBe(false);
  });

  it('verifies the previous-hash link: a row moved behind another is reported', async () => {
    await appendEntries(t.db, CHAIN, Array.from({ length: 5 }, (_, i) => entry(i)));
    const all = await rows();
    await t.db('audit_log').where({ id: 4 }).update({ prev_hash: all[1].hash });
    const v = await verifyChain(t.db, CHAIN);
    expect(v).toMatchObject({ ok: false, id: 4 });
  });

  it('detects rows deleted and the rest re-hashed without the key', async () => {
    await appendEntries(t.db, CHAIN, Array.from({ length: 8 }, (_, i) => entry(i)));
    await t.db('audit_log').where({ id: 5 }).del();
    // renumber and re-hash everything from the gap the only way possible without the key
    let prev = (await rows())[3].hash;
    for (const r of (await rows()).filter((x) => Number(x.id) > 5)) {
      const moved = { ...r, id: Number(r.id) - 1, prev_hash: prev };
      const hash = unkeyed(moved);
      await t.db('audit_log').where({ id: r.id }).update({ id: moved.id, prev_hash: prev, hash, chain_version: 1 });
      prev = hash;
    }
    await t.db('audit_chain').where({ id: 1 }).update({ last_id: 7, last_hash: prev });
    const v = await verifyChain(t.db, CHAIN);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.problems[0]).toMatchObject({ fromId: 5, toId: 7 });
  });

  it('reports every broken range, not only the first', async () => {
    await appendEntries(t.db, CHAIN, Array.from({ length: 12 }, (_, i) => entry(i)));
    await t.db('audit_log').whereIn('id', [3, 4]).update({ purpose: '改过' });
    await t.db('audit_log').where({ id: 9 }).update({ rows: 7 });
    const v = await verifyChain(t.db, CHAIN);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.problems.map((p) => [p.fromId, p.toId])).toEqual([[3, 4], [9, 9]]);
      expect(v.rows).toBe(9);
    }
  });

  it('anchors: a database rewritten consistently before the last anchor is detected; forged anchor lines too', async () => {
    const dataDir = tempDir();
    await appendEntries(t.db, CHAIN, Array.from({ length: 6 }, (_, i) => entry(i)));
    const anchor = await takeAnchor(t.db, CHAIN, anchorFile(dataDir));
    expect(anchor).toMatchObject({ lastId: 6, count: 6 });
    await appendEntries(t.db, CHAIN, [entry(6)]);
    expect(await verifyAnchoredChain(t.db, AUDIT_KEY, dataDir)).toMatchObject({ ok: true, rows: 7, anchorsChecked: 1 });

    // the whole chain rewritten as unkeyed rows, row 2 edited: internally consistent
    let prev = '0'.repeat(64);
    for (const r of await rows()) {
      const edited = { ...r, purpose: Number(r.id) === 2 ? '改写' : r.purpose, prev_hash: prev };
      const hash = unkeyed(edited);
      await t.db('audit_log').where({ id: r.id }).update({ purpose: edited.purpose, prev_hash: prev, hash, chain_version: 1 });
      prev = hash;
    }
    await t.db('audit_chain').where({ id: 1 }).update({ last_hash: prev });
    expect(await verifyChain(t.db, CHAIN)).toMatchObject({ ok: true }); // the chain alone cannot tell
    const v = await verifyAnchoredChain(t.db, AUDIT_KEY, dataDir);
    expect(v).toMatchObject({ ok: false, anchorsChecked: 1 });
    if (!v.ok) expect(v.problems[0]).toMatchObject({ toId: 6, problem: expect.stringContaining('锚点') });

    // a line appended by someone without the key is not trusted, and said so
    fs.appendFileSync(anchorFile(dataDir), JSON.stringify({ ...anchor, hash: prev, lastId: 7, mac: 'f'.repeat(64) }) + '\n');
    expect(readAnchors(anchorFile(dataDir), CHAIN)).toMatchObject({ badLines: [2] });
    const forged = await verifyAnchoredChain(t.db, AUDIT_KEY, dataDir);
    expect(forged.ok).toBe(false);
    if (!forged.ok) expect(forged.problems.map((p) => p.problem).join()).toContain('锚点文件第 2 行无效');
  });

  it('the scheduled job anchors at start and then every interval, appending', async () => {
    const dataDir = tempDir();
    await appendEntries(t.db, CHAIN, [entry(1)]);
    const job = scheduleAnchors(t.db, CHAIN, anchorFile(dataDir), createLogger('silent'), 100);
    try {
      await new Promise((r) => setTimeout(r, 60));
      await appendEntries(t.db, CHAIN, [entry(2)]);
      await new Promise((r) => setTimeout(r, 400));
    } finally {
      job.stop();
    }
    const { anchors, badLines } = readAnchors(anchorFile(dataDir), CHAIN);
    expect(badLines).toEqual([]);
    expect(anchors[0]).toMatchObject({ lastId: 1, count: 1 });
    expect(anchors.length).toBeGreaterThanOrEqual(3);
    expect(anchors[anchors.length - 1]).toMatchObject({ lastId: 2, count: 2 });
    expect((fs.statSync(anchorFile(dataDir)).mode & 0o777).toString(8)).toBe('600');
  });

  it("stores a batch of 1,000 as one compact row and still finds each person in it", async () => {
    const people = Array.from({ length: 1000 }, (_, i) => queryKeyHash(AUDIT_KEY, `P${i}`));
    people[7] = '-'; // an item that was not a valid key
    await appendEntries(t.db, CHAIN, [entry(1, { method: 'batchRKHY', itemKeyHashes: people, queryKeyHash: listHash(people) }), entry(2)]);
    expect(await t.db('audit_log').count({ n: '*' }).first()).toMatchObject({ n: 2 });
    const packed = (await t.db('audit_batch_keys')) as Array<{ audit_id: number; hashes: Buffer }>;
    expect(packed).toHaveLength(1);
    expect(packed[0].hashes.length).toBe(32000);
    expect(await t.db.schema.hasTable('audit_keys')).toBe(false);
    for (const i of [0, 499, 999]) expect((await lookupsOfKey(t.db, people[i])).map((r) => r.method)).toEqual(['batchRKHY']);
    expect(await lookupsOfKey(t.db, queryKeyHash(AUDIT_KEY, 'nobody'))).toEqual([]);
    expect(await verifyChain(t.db, CHAIN)).toMatchObject({ ok: true, rows: 2 });
  });

  it('matches a person only at a hash boundary, never across two neighbours', async () => {
    const needle = queryKeyHash(AUDIT_KEY, 'needle');
    const a = 'a'.repeat(32) + needle.slice(0, 32);
    const b = needle.slice(32) + 'b'.repeat(32);
    await appendEntries(t.db, CHAIN, [entry(1, { method: 'batchRKHY', itemKeyHashes: [a, b], queryKeyHash: listHash([a, b]) })]);
    expect(await lookupsOfKey(t.db, needle)).toEqual([]);
    expect(await lookupsOfKey(t.db, b)).toHaveLength(1);
  });

  it('migrates an unkeyed database: old rows and batch keys kept and verified, new rows keyed', async () => {
    const legacy = await freshDatabase(target, { migrate: false });
    try {
      const all = await migrationSource.getMigrations([]);
      const upTo404 = { ...migrationSource, getMigrations: async () => all.filter((n) => n <= '404_audit_keys' || n.startsWith('3')) };
      await legacy.db.migrate.latest({ migrationSource: upTo404 });
      // two rows as the previous release wrote them: unkeyed, a batch with per-person rows
      const batch = [queryKeyHash(AUDIT_KEY, 'P1'), '-', queryKeyHash(AUDIT_KEY, 'P2')];
      let prev = '0'.repeat(64);
      const old = [entry(1), entry(2, { method: 'batchRKHY', queryKeyHash: listHash(batch) })].map((e, i) => {
        const base = { id: i + 1, at: e.at, request_id: e.requestId, consumer_id: e.consumerId, method: e.method, interface: e.interface, purpose: e.purpose, query_key_hash: e.queryKeyHash, result_code: e.resultCode, rows: e.rows, duration_ms: e.durationMs, prev_hash: prev };
        const hash = rowHash(base, 1, Buffer.alloc(0));
        prev = hash;
        return { ...base, hash };
      });
      await legacy.db('audit_log').insert(old);
      await legacy.db('audit_keys').insert(batch.map((h, position) => ({ audit_id: 2, position, query_key_hash: h })));
      await legacy.db('audit_chain').where({ id: 1 }).update({ last_id: 2, last_hash: prev });

      await migrate(legacy.db);
      await appendEntries(legacy.db, CHAIN, [entry(3)]);
      const v = await verifyChain(legacy.db, CHAIN);
      expect(v).toMatchObject({ ok: true, rows: 3, unkeyedRows: 2 });
      expect((await lookupsOfKey(legacy.db, batch[2])).map((r) => r.method)).toEqual(['batchRKHY']);
      const versions = (await legacy.db('audit_log').orderBy('id').select('chain_version')).map((r) => Number(r.chain_version));
      expect(versions).toEqual([1, 1, 2]);
    } finally {
      await legacy.drop();
    }
  });
});

it('the anchor file lives in DATA_DIR', () => {
  expect(anchorFile('/var/lib/dprs')).toBe(path.join('/var/lib/dprs', 'audit-anchors.log'));
});
