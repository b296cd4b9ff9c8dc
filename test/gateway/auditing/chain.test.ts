import { AuditEntry, auditChainKey, queryKeyHash } from '../../../gateway/auditing/chain';
import { appendEntries, lookupsOfKey, pruneAudit, verifyChain } from '../../../gateway/auditing/store';
import { AuditWriter } from '../../../gateway/auditing/writer';
import { openKnex } from '../../../core/db';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../../support/databases';

const KEY = 'k'.repeat(40);
const CHAIN = auditChainKey(KEY);

function entry(i: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: 1_700_000_000_000 + i * 1000,
    requestId: `req-${i}`,
    consumerId: i % 2 ? 'zc-yichuang' : 'zc-other',
    method: 'getRKZP',
    interface: i % 3 ? 'json' : 'soap',
    purpose: '户籍业务办理',
    queryKeyHash: queryKeyHash(KEY, `37030619800101001${i % 10}`),
    resultCode: '200',
    rows: 1,
    durationMs: 3,
    ...over,
  };
}

describe.each(STORAGE_TARGETS)('audit chain on %s', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await freshDatabase(target);
  });
  afterEach(async () => {
    await t.drop();
  });

  it('verifies an intact chain and links each row to the previous one', async () => {
    await appendEntries(t.db, CHAIN, [entry(1), entry(2)]);
    await appendEntries(t.db, CHAIN, [entry(3)]);
    const rows = await t.db('audit_log').orderBy('id');
    expect(rows.map((r) => Number(r.id))).toEqual([1, 2, 3]);
    expect(rows[1].prev_hash).toBe(rows[0].hash);
    expect(rows[2].prev_hash).toBe(rows[1].hash);
    expect(await verifyChain(t.db, CHAIN)).toMatchObject({ ok: true, rows: 3, lastId: 3 });
  });

  it('reports an edited row at its position', async () => {
    await appendEntries(t.db, CHAIN, Array.from({ length: 10 }, (_, i) => entry(i)));
    await t.db('audit_log').where({ id: 4 }).update({ purpose: '随便看看' });
    expect(await verifyChain(t.db, CHAIN)).toMatchObject({ ok: false, position: 4, id: 4, problem: expect.stringContaining('修改') });
  });

  it('reports a deleted row where the gap is', async () => {
    await appendEntries(t.db, CHAIN, Array.from({ length: 10 }, (_, i) => entry(i)));
    await t.db('audit_log').where({ id: 6 }).del();
    expect(await verifyChain(t.db, CHAIN)).toMatchObject({ ok: false, position: 6, id: 7 });
  });

  it('reports a deleted last row', async () => {
    await appendEntries(t.db, CHAIN, Array.from({ length: 5 }, (_, i) => entry(i)));
    await t.db('audit_log').where({ id: 5 }).del();
    expect(await verifyChain(t.db, CHAIN)).toMatchObject({ ok: false, position: 5 });
  });

  it('reports reordered rows', async () => {
    await appendEntries(t.db, CHAIN, Array.from({ length: 6 }, (_, i) => entry(i)));
    const [a, b] = await t.db('audit_log').whereIn('id', [2, 3]).orderBy('id');
    const fields = (r: Record<string, unknown>) => {
      const { id: _id, ...rest } = r;
      return rest;
    };
    await t.db('audit_log').where({ id: 2 }).update(fields(b));
    await t.db('audit_log').where({ id: 3 }).update(fields(a));
    expect(await verifyChain(t.db, CHAIN)).toMatchObject({ ok: false, position: 2, id: 2 });
  });

  it('keeps one valid chain under concurrent writers from several connections', async () => {
    // two writers with their own connection pools stand for two gateway processes
    const other = target === 'mysql' ? openKnex({ client: 'mysql', url: t.url }) : openKnex({ client: 'sqlite', sqliteFile: t.url });
    try {
      const w1 = new AuditWriter(t.db, CHAIN, 7);
      const w2 = new AuditWriter(other, CHAIN, 5);
      await Promise.all(Array.from({ length: 120 }, (_, i) => (i % 2 ? w1 : w2).append(entry(i))));
      const v = await verifyChain(t.db, CHAIN);
      expect(v).toMatchObject({ ok: true, rows: 120, lastId: 120 });
    } finally {
      await other.destroy();
    }
  });

  it('appends while another transaction is open on the database (a sync batch, a catalogue edit), once it ends', async () => {
    await appendEntries(t.db, CHAIN, [entry(1)]); // the connection in use, as in a serving gateway
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let begun!: () => void;
    const inside = new Promise<void>((resolve) => (begun = resolve));
    const other = t.db.transaction(async (trx) => {
      await trx('audit_chain').select('id');
      begun();
      await held;
    });
    await inside;
    const appended = appendEntries(t.db, CHAIN, [entry(2)]);
    // the other transaction is still open: the append waits for it (SQLite's one writer) or runs beside it
    await new Promise((r) => setTimeout(r, 50));
    release();
    await other;
    expect((await appended).map((r) => Number(r.id))).toEqual([2]);
    expect(await verifyChain(t.db, CHAIN)).toMatchObject({ ok: true, rows: 2 });
  });

  it('fails the waiting requests when the batch cannot be written', async () => {
    const w = new AuditWriter(t.db, CHAIN);
    await t.db.schema.renameTable('audit_log', 'audit_log_gone');
    // SqliteError may come from another realm under jest: check the message, not instanceof
    await expect(w.append(entry(1))).rejects.toHaveProperty('message', expect.stringMatching(/audit_log|no such table|doesn't exist/));
    await t.db.schema.renameTable('audit_log_gone', 'audit_log');
    await w.append(entry(2));
    expect(await verifyChain(t.db, CHAIN)).toMatchObject({ ok: true, rows: 1 });
  });

  it('prunes by retention (never below 180 days) and the rest still verifies', async () => {
    const day = 86400000;
    const now = 1_800_000_000_000;
    await appendEntries(t.db, CHAIN, [
      entry(1, { at: now - 400 * day }),
      entry(2, { at: now - 300 * day }),
      entry(3, { at: now - 10 * day }),
      entry(4, { at: now - 1 * day }),
    ]);
    await expect(pruneAudit(t.db, 90, now)).rejects.toThrow(/180/);
    expect(await pruneAudit(t.db, 200, now)).toBe(2);
    expect(await verifyChain(t.db, CHAIN)).toMatchObject({ ok: true, rows: 2, lastId: 4 });
    await appendEntries(t.db, CHAIN, [entry(5, { at: now })]);
    expect(await verifyChain(t.db, CHAIN)).toMatchObject({ ok: true, rows: 3, lastId: 5 });
    await t.db('audit_log').where({ id: 3 }).del();
    expect(await verifyChain(t.db, CHAIN)).toMatchObject({ ok: false, position: 1, id: 4 });
  });

  it('answers who looked a key up, through the keyed hash only', async () => {
    await appendEntries(t.db, CHAIN, [entry(1), entry(11), entry(2)]);
    const hash = queryKeyHash(KEY, '370306198001010011');
    const seen = await lookupsOfKey(t.db, hash);
    expect(seen.map((s) => s.consumerId)).toEqual(['zc-yichuang', 'zc-yichuang']);
    const stored = JSON.stringify(await t.db('audit_log'));
    expect(stored).not.toContain('370306198001010011');
  });
});
