/**
 * `dprs bench audit` runs: on SQLite alternating rounds, checkpoints on the connection then in the
 * worker; on MariaDB (with MYSQL_URL) round after round; each with its figures, the chain whole;
 * then timed searches over the log written.
 */
import { auditSummary, fillAuditLog, runAuditBench, searchSummary } from '../../scripts/bench/audit';
import { openKnex } from '../../core/db';
import { auditChainKey } from '../../gateway/auditing/chain';
import { verifyChain } from '../../gateway/auditing/store';
import { KEY_BLOCK_ROWS } from '../../gateway/auditing/key-blocks';
import { freshDatabase, STORAGE_TARGETS } from '../support/databases';

describe('bench audit', () => {
  it('measures both ways, round by round', async () => {
    const { rounds, search } = await runAuditBench({ rounds: 2, batches: 3, rows: 4 });
    expect(rounds.map((r) => r.checkpoints)).toEqual(['connection', 'worker', 'connection', 'worker']);
    for (const r of rounds) {
      expect(r.loopUsPerRow).toBeGreaterThan(0);
      expect(r.cpuUsPerRow).toBeGreaterThan(0);
    }
    expect(auditSummary(rounds).split('\n')).toHaveLength(4);
    // then searches over the 48 rows written
    expect(search).toMatchObject({ logRows: 48, searches: 20 });
    expect(search.maxMs).toBeGreaterThanOrEqual(search.medianMs);
    expect(searchSummary(search)).toMatch(/^who looked a key up, 48 rows, 20 keys: median \d+\.\d ms, max \d+\.\d ms$/);
  });

  (process.env.MYSQL_URL ? it : it.skip)('measures on MariaDB, round by round, in a schema of its own that it drops', async () => {
    const { rounds, search } = await runAuditBench({ rounds: 2, batches: 3, rows: 4, mysqlUrl: process.env.MYSQL_URL });
    expect(rounds.map((r) => r.checkpoints)).toEqual(['mariadb', 'mariadb']);
    for (const r of rounds) expect(r.cpuUsPerRow).toBeGreaterThan(0);
    expect(auditSummary(rounds)).toMatch(/^on MariaDB .* µs\/row$/m);
    expect(search).toMatchObject({ logRows: 24, searches: 20 });
    const admin = openKnex({ client: 'mysql', url: process.env.MYSQL_URL!, poolMax: 1 });
    try {
      const [left] = (await admin.raw('select count(*) as n from information_schema.schemata where schema_name = ?', [`dprs_bench_audit_${process.pid}`])) as [Array<{ n: number }>];
      expect(Number(left[0].n)).toBe(0);
    } finally {
      await admin.destroy();
    }
  });
});

describe.each(STORAGE_TARGETS)('the log bench http fills first, on %s', (target) => {
  it('holds exactly the rows asked for, chained, every key block built', async () => {
    const t = await freshDatabase(target);
    try {
      const key = auditChainKey('k'.repeat(40));
      const rows = 2 * KEY_BLOCK_ROWS + 7;
      await fillAuditLog(t.db, key, rows);
      const verified = await verifyChain(t.db, key);
      expect({ ok: verified.ok, rows: verified.rows }).toEqual({ ok: true, rows });
      const blocks = (await t.db('audit_key_blocks').orderBy('first_id').select('first_id', 'last_id')) as Array<{ first_id: number; last_id: number }>;
      expect(blocks.map((b) => [Number(b.first_id), Number(b.last_id)])).toEqual([[1, KEY_BLOCK_ROWS], [KEY_BLOCK_ROWS + 1, 2 * KEY_BLOCK_ROWS]]);
    } finally {
      await t.drop();
    }
  });
});
