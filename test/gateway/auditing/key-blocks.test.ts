import { AuditEntry, auditChainKey, queryKeyHash } from '../../../gateway/auditing/chain';
import { appendEntries, lookupsOfKey, pruneAudit, verifyChain } from '../../../gateway/auditing/store';
import { BLOCK_PREFIXES, buildKeyBlocks, completesBlock, KEY_BLOCK_ROWS, packedPrefixes, rangesToSearch } from '../../../gateway/auditing/key-blocks';
import { AuditWriter } from '../../../gateway/auditing/writer';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../../support/databases';
import { fullScans, selectsOf } from '../../support/query-plans';

const KEY = 'k'.repeat(40);
const CHAIN = auditChainKey(KEY);
const person = (n: number) => queryKeyHash(KEY, `37030619800101${String(n).padStart(4, '0')}`);
const T0 = 1_700_000_000_000;

/** Row i (from 1) looked up person i % 5; every seventh row had no key (refused before one was read). */
function entry(i: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: T0 + i * 1000,
    requestId: `req-${i}`,
    consumerId: 'zc-window',
    method: 'getRKZP',
    interface: 'json',
    purpose: '户籍业务办理',
    queryKeyHash: i % 7 === 0 ? null : person(i % 5),
    resultCode: '200',
    rows: 1,
    durationMs: 2,
    ...over,
  };
}

const entries = (from: number, to: number, over: (i: number) => Partial<AuditEntry> = () => ({})) =>
  Array.from({ length: to - from + 1 }, (_, k) => entry(from + k, over(from + k)));

test('a commit completes a block when it writes the block\'s last id', () => {
  const n = KEY_BLOCK_ROWS;
  expect([completesBlock(1, n - 1), completesBlock(1, n), completesBlock(n, n + 5), completesBlock(n + 1, 2 * n - 1), completesBlock(n - 3, 3 * n)]).toEqual([false, true, true, false, true]);
});

test('a block packs each key prefix in order; a row without a key, or with a value no hash of ours, adds nothing and does not cut the rest', () => {
  const [a, b] = [person(1), person(2)];
  expect(packedPrefixes([a.slice(0, 16), null, 'not-a-hash-at-al', b.slice(0, 16), 'ABCDEF0123456789']).toString('hex')).toBe(a.slice(0, 16) + b.slice(0, 16));
});

describe.each(STORAGE_TARGETS)('audit key blocks on %s', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await freshDatabase(target);
  });
  afterEach(async () => {
    await t.drop();
  });

  const blocks = async () => ((await t.db('audit_key_blocks').orderBy('first_id')) as Array<{ first_id: number; last_id: number; prefixes: Buffer }>).map((b) => [Number(b.first_id), Number(b.last_id)]);

  /** what a scan of the whole log answers: the times of the rows with this key, newest first */
  const scanned = async (keyHash: string) =>
    ((await t.db('audit_log').orderBy('id', 'desc')) as Array<{ at: number; query_key_hash: string | null }>).filter((r) => r.query_key_hash === keyHash).map((r) => Number(r.at));

  it('reads the log and the blocks by key, never by a scan that grows with the log', async () => {
    await appendEntries(t.db, CHAIN, entries(1, 40));
    await buildKeyBlocks(t.db, { rows: 8, maxBlocks: 1 });
    await appendEntries(t.db, CHAIN, entries(41, 48));
    let built = 0;
    const selects = await selectsOf(t.db, async () => (built = await buildKeyBlocks(t.db, { rows: 8 })));
    expect(built).toBe(5);
    // the blocks' rows are read without knex
    selects.push({ sql: BLOCK_PREFIXES, bindings: [9, 16] });
    expect(selects.length).toBeGreaterThan(1);
    for (const s of selects) expect({ sql: s.sql, scans: await fullScans(t.db, target, s.sql, s.bindings) }).toEqual({ sql: s.sql, scans: [] });
  });

  it('builds only blocks whose ids are all committed, aligned and oldest first, at most maxBlocks a call; two builds at once write each block once', async () => {
    expect(await buildKeyBlocks(t.db, { rows: 8 })).toBe(0); // an empty log
    expect(await blocks()).toEqual([]);
    await appendEntries(t.db, CHAIN, entries(1, 20));
    expect(await buildKeyBlocks(t.db, { rows: 8, maxBlocks: 1 })).toBe(1);
    expect(await blocks()).toEqual([[1, 8]]);
    expect(await Promise.all([buildKeyBlocks(t.db, { rows: 8 }), buildKeyBlocks(t.db, { rows: 8 })])).toEqual(expect.arrayContaining([1]));
    expect(await blocks()).toEqual([[1, 8], [9, 16]]);
    expect(await buildKeyBlocks(t.db, { rows: 8 })).toBe(0); // 17–24 not all written yet
    await appendEntries(t.db, CHAIN, entries(21, 24));
    expect(await buildKeyBlocks(t.db, { rows: 8 })).toBe(1);
    // each block: the key prefixes of its rows in id order, rows without a key leaving none
    const second = (await t.db('audit_key_blocks').where({ first_id: 9 }).first()) as { prefixes: Buffer };
    const keys = entries(9, 16).map((e) => e.queryKeyHash?.slice(0, 16) ?? null);
    expect(Buffer.from(second.prefixes)).toEqual(packedPrefixes(keys));
    expect(Buffer.from(second.prefixes).length).toBe(7 * 8); // row 14 had no key
    expect(Buffer.from(second.prefixes).subarray(0, 8).toString('hex')).toBe(person(9 % 5).slice(0, 16));
  });

  it('builds a backlog a block per turn of the event loop, so that lookups are answered between', async () => {
    await appendEntries(t.db, CHAIN, entries(1, 64));
    const order: string[] = [];
    const backlog = buildKeyBlocks(t.db, { rows: 8 }).then(() => order.push('built'));
    setImmediate(() => order.push('a turn'));
    await backlog;
    expect(order).toEqual(['a turn', 'built']);
    expect(await blocks()).toHaveLength(8);
  });

  it('a writer closing stops a backlog build after the blocks of the call under way', async () => {
    await appendEntries(t.db, CHAIN, entries(1, 20 * KEY_BLOCK_ROWS)); // 20 blocks to build, 16 a call
    const w = new AuditWriter(t.db, CHAIN);
    await w.append(entry(20 * KEY_BLOCK_ROWS + 1)); // its first commit starts the backlog
    await w.close();
    expect(await blocks()).toHaveLength(16);
    // and starts none after, even for a commit that completes a block
    await Promise.all(entries(20 * KEY_BLOCK_ROWS + 2, 21 * KEY_BLOCK_ROWS).map((e) => w.append(e)));
    await w.flush();
    expect(await blocks()).toHaveLength(16);
  });

  it('finds every lookup of a key — in a block that holds it, in a range no block covers, after the newest block — as a scan of the whole log does', async () => {
    const rare = person(999);
    await appendEntries(t.db, CHAIN, entries(1, 40, (i) => (i === 20 || i === 36 ? { queryKeyHash: rare } : {})));
    await buildKeyBlocks(t.db, { rows: 8 });
    expect(await blocks()).toEqual([[1, 8], [9, 16], [17, 24], [25, 32], [33, 40]]);
    await t.db('audit_key_blocks').where({ first_id: 9 }).del(); // a block never built
    await appendEntries(t.db, CHAIN, entries(41, 45, (i) => (i === 44 ? { queryKeyHash: rare } : {})));

    // the blocks without the key are not read; the key's whole prefix decides (a hash
    // differing from a stored one only in the prefix's last byte is not in its block)
    expect(await rangesToSearch(t.db, rare)).toEqual([{ from: 9, to: 24 }, { from: 33, to: 40 }, { from: 41, to: null }]);
    expect(await rangesToSearch(t.db, person(998))).toEqual([{ from: 9, to: 16 }, { from: 41, to: null }]);
    const nearRare = rare.slice(0, 14) + (rare.slice(14, 16) === '00' ? '01' : '00') + rare.slice(16);
    expect(await rangesToSearch(t.db, nearRare)).toEqual([{ from: 9, to: 16 }, { from: 41, to: null }]);
    for (const key of [rare, person(0), person(1), person(2), person(3), person(4), person(998)]) {
      expect((await lookupsOfKey(t.db, key)).map((r) => r.at)).toEqual(await scanned(key));
    }
    expect((await lookupsOfKey(t.db, rare)).map((r) => r.at)).toEqual([T0 + 44_000, T0 + 36_000, T0 + 20_000]);
    // reads stop once the limit is reached: the newest range held one, so one read of the log
    // (and none for batch lists that hold no such key)
    const logReads: string[] = [];
    const count = (q: { sql: string }) => void (q.sql.includes('from `audit_log`') && logReads.push(q.sql));
    t.db.on('query', count);
    expect((await lookupsOfKey(t.db, rare, 1)).map((r) => r.at)).toEqual([T0 + 44_000]);
    t.db.off('query', count);
    expect(logReads).toHaveLength(1);
    // the limit holds across ranges, newest first
    const all = await scanned(person(1));
    expect((await lookupsOfKey(t.db, person(1), 3)).map((r) => r.at)).toEqual(all.slice(0, 3));
    expect(all.length).toBeGreaterThan(3);
  });

  it('verification reports a block changed to hide a lookup; pruning drops the blocks it passes and keeps the answers right', async () => {
    const day = 86400000;
    const now = T0 + 400 * day;
    await appendEntries(t.db, CHAIN, entries(1, 20, (i) => ({ at: i <= 10 ? now - 200 * day + i : now - day + i })));
    await buildKeyBlocks(t.db, { rows: 8 });
    expect(await verifyChain(t.db, CHAIN)).toMatchObject({ ok: true, rows: 20 });

    const original = (await t.db('audit_key_blocks').where({ first_id: 9 }).first()) as { prefixes: Buffer };
    await t.db('audit_key_blocks').where({ first_id: 9 }).update({ prefixes: Buffer.from(original.prefixes).subarray(8) });
    const v = await verifyChain(t.db, CHAIN);
    expect(v).toMatchObject({ ok: false, problems: [{ fromId: 9, toId: 16, problem: expect.stringContaining('查询键索引块与记录不符') }] });
    await t.db('audit_key_blocks').where({ first_id: 9 }).update({ prefixes: original.prefixes });

    expect(await pruneAudit(t.db, 180, now)).toBe(10);
    expect(await blocks()).toEqual([[9, 16]]);
    // a block partly pruned is not compared with what is left of it
    expect(await verifyChain(t.db, CHAIN)).toMatchObject({ ok: true, rows: 10 });
    for (const k of [0, 1, 2, 3, 4]) expect((await lookupsOfKey(t.db, person(k))).map((r) => r.at)).toEqual(await scanned(person(k)));
    // with no block left, building starts at the block holding the oldest row kept (id 11), not at id 1
    await t.db('audit_key_blocks').del();
    expect(await buildKeyBlocks(t.db, { rows: 5 })).toBe(2);
    expect(await blocks()).toEqual([[11, 15], [16, 20]]);
    // … the block holding it even when it is the block's last id
    await t.db('audit_key_blocks').del();
    expect(await buildKeyBlocks(t.db, { rows: 11 })).toBe(1);
    expect(await blocks()).toEqual([[1, 11]]);
  });

  it('the writer builds what is pending at its first commit, then a block once a commit completes one; a build that fails is reported and leaves appends untouched', async () => {
    const n = KEY_BLOCK_ROWS;
    const failed: unknown[] = [];
    await appendEntries(t.db, CHAIN, entries(1, 2 * n)); // a log from before the blocks
    const w = new AuditWriter(t.db, CHAIN, 500, (err) => failed.push(err));
    const appended = async (from: number, to: number) => {
      await Promise.all(entries(from, to).map((e) => w.append(e)));
      await w.flush();
    };
    await appended(2 * n + 1, 2 * n + 1);
    expect(await blocks()).toEqual([[1, n], [n + 1, 2 * n]]);
    // commits that complete no block start no build (its queries name the table)
    let blockQueries = 0;
    t.db.on('query', (q: { sql: string }) => void (q.sql.includes('audit_key_blocks') && blockQueries++));
    await appended(2 * n + 2, 3 * n - 1);
    expect(blockQueries).toBe(0);
    expect(await blocks()).toHaveLength(2);
    await appended(3 * n, 3 * n);
    expect(blockQueries).toBeGreaterThan(1);
    expect(await blocks()).toEqual([[1, n], [n + 1, 2 * n], [2 * n + 1, 3 * n]]);
    expect(failed).toEqual([]);

    await t.db.schema.dropTable('audit_key_blocks');
    await appended(3 * n + 1, 4 * n);
    expect(failed).toHaveLength(1);
    expect(Number((await t.db('audit_chain').where({ id: 1 }).first()).last_id)).toBe(4 * n);
  });
});
