import { openKnex } from '../../../core/db';
import { migrate, MIGRATIONS, rollbackAll } from '../../../scripts/app/migrations';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../../support/databases';

const TABLES = [
  'population', 'legal_entity', 'licence',
  'departments', 'licensing_items', 'resources', 'resource_items', 'interfaces', 'consumers', 'demands', 'applications', 'grants', 'resource_search', 'access_version',
  'sync_jobs', 'sync_watermarks', 'sync_runs', 'sync_rejects', 'leases',
  'audit_log', 'audit_key_blocks',
  'matters', 'matter_materials',
];

/** Existing databases record these names: a renamed migration would run again there. */
const NAMES = [
  '001_population', '002_legal_entity', '003_licence', '004_departments', '005_licensing_items', '006_resources',
  '007_resource_items', '008_interfaces', '009_consumers', '010_demands', '011_applications', '012_grants',
  '013_sync_jobs', '014_sync_watermarks', '015_sync_runs', '016_sync_rejects', '017_leases', '018_audit_log',
  '301_resource_search', '401_audit_chain', '402_rate_limit_counters', '403_audit_duration', '404_audit_keys',
];

test('the features\' migrations together keep every name existing databases recorded', () => {
  expect(Object.keys(MIGRATIONS)).toEqual(expect.arrayContaining(NAMES));
});

describe.each(STORAGE_TARGETS)('migrations on %s', (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase(target, { migrate: false });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('create every table, are idempotent, and roll back cleanly', async () => {
    const applied = await migrate(t.db);
    expect(applied.length).toBeGreaterThanOrEqual(TABLES.length);
    for (const table of TABLES) expect(await t.db.schema.hasTable(table)).toBe(true);
    expect(await migrate(t.db)).toEqual([]);
    await rollbackAll(t.db);
    for (const table of TABLES) expect(await t.db.schema.hasTable(table)).toBe(false);
    await migrate(t.db);
    for (const table of TABLES) expect(await t.db.schema.hasTable(table)).toBe(true);
  });

  it('keep Chinese text, micro-second source times and epoch-ms integers intact', async () => {
    const row = {
      rybh: 'RY1', gmsfzh: '11010519491231002X', xm: '欧阳𠮷', csrq: '19491231', mz: '01', xb: '2',
      jg: '山东省淄博市周村区', csd: '山东省淄博市周村区', hjd: '山东省淄博市周村区丝绸路街道正阳路1号',
      src_updated_at: '2026-01-01 00:00:00.123456', synced_at: 1795627684556, deleted: false,
    };
    await t.db('population').insert(row);
    const back = await t.db('population').where({ rybh: 'RY1' }).first();
    expect(back.xm).toBe('欧阳𠮷');
    expect(back.src_updated_at).toBe('2026-01-01 00:00:00.123456');
    expect(Number(back.synced_at)).toBe(1795627684556);
    expect(Boolean(back.deleted)).toBe(false);
  });

  it('upserts on the primary key without duplicating', async () => {
    const base = { tyshxydm: '91370306000000000T', jgmc: '淄博测试有限公司', synced_at: 1, deleted: false };
    await t.db('legal_entity').insert(base).onConflict('tyshxydm').merge();
    await t.db('legal_entity').insert({ ...base, jgmc: '淄博测试二有限公司', zczb: 5000000000000 }).onConflict('tyshxydm').merge();
    const rows = await t.db('legal_entity').where({ tyshxydm: base.tyshxydm });
    expect(rows).toHaveLength(1);
    expect(rows[0].jgmc).toBe('淄博测试二有限公司');
    expect(Number(rows[0].zczb)).toBe(5000000000000);
  });

  it('rejects a second person with the same ID number', async () => {
    const p = { gmsfzh: '440524188001010014', xm: '甲', synced_at: 1, deleted: false };
    await t.db('population').insert({ rybh: 'A', ...p });
    // compare the message, not the class: better-sqlite3's native addon keeps the SqliteError
    // of the first jest context that loaded it, so in a later test file of the same worker it
    // is not `instanceof Error` and rejects.toThrow reports "did not throw"
    const failure = await t.db('population').insert({ rybh: 'B', ...p }).then(
      () => null,
      (err: unknown) => err as { message?: string },
    );
    expect(failure?.message).toMatch(/unique|duplicate/i);
  });

});

// replicas share a MySQL database (a SQLite file has one gateway), so this runs where MariaDB does
if (STORAGE_TARGETS.includes('mysql')) {
  describe('migrations on mysql from two replicas', () => {
    const target = 'mysql' as const;
    it('let replicas that start together both migrate (the loser waits for the lock)', async () => {
      const fresh = await freshDatabase(target, { migrate: false });
      const other = target === 'mysql' ? openKnex({ client: 'mysql', url: fresh.url }) : openKnex({ client: 'sqlite', sqliteFile: fresh.url });
      try {
        const [a, b] = await Promise.all([migrate(fresh.db), migrate(other)]);
        expect(a.length + b.length).toBeGreaterThanOrEqual(TABLES.length);
        expect(await fresh.db.schema.hasTable('audit_log')).toBe(true);
      } finally {
        await other.destroy();
        await fresh.drop();
      }
    });
  });
}
