/**
 * The data state a resource page shows (有目录必有数据): 待接入 with no rows before its job has
 * completed a full run; then 已接入 with its live rows and last successful run; overdue once
 * that run is older than the declared 更新周期 allows.
 */
import { STORAGE_TARGETS } from '../support/databases';
import { catalogHarness, CatalogHarness, sampleRegistration } from '../support/catalog';
import { publish, register } from '../../catalog/lifecycle';
import { frontEnd, FrontEnd } from '../support/sync';
import { saveJob } from '../../adapters/sync/jobs';
import { SyncEngine } from '../../adapters/sync/engine';
import { FRESHNESS_MS, hasLiveRows } from '../../catalog/data-state';
import { libraryOfResource } from '../../catalog/libraries';
import { createSocialInsuranceTable, ensureSocialInsuranceResource, fillSocialInsurance, SOCIAL_INSURANCE_TABLE, socialInsuranceJob } from '../../scripts/demo/social-insurance';

describe.each(STORAGE_TARGETS)('a resource\'s data state on %s', (target) => {
  let h: CatalogHarness;
  let fe: FrontEnd;
  const page = async (code = '301010/00002') => (await h.call('GET', `/dprs/catalog/resources/${code}`)).body.data[0].data_state;

  beforeAll(async () => {
    h = await catalogHarness(target);
    fe = await frontEnd(target);
    await fe.insertPeople(0, 30);
    await createSocialInsuranceTable(fe.db);
    await fillSocialInsurance(fe.db);
    await ensureSocialInsuranceResource(h.ctx.db);
  });
  afterAll(async () => {
    await fe.drop();
    await h.close();
  });

  it('is 待接入 with no rows and nothing overdue before a full run', async () => {
    expect(await page()).toEqual({ state: '待接入', rows: 0, last_success_at: null, update_cycle: '每日', max_age_ms: FRESHNESS_MS['每日'], overdue: false });
    // a base library is the same mechanism: 待接入 until a job fills it
    expect(await page('101001/00001')).toMatchObject({ state: '待接入', rows: 0, update_cycle: '实时', max_age_ms: FRESHNESS_MS['实时'] });
    // a resource shared as files has no library, hence no data state
    const files = { ...sampleRegistration({ code: '301010/00003', share_mode: '文件', interfaces: [] }), library: undefined };
    await register(h.ctx.db, { role: 'operator', sub: 'op' }, JSON.parse(JSON.stringify(files)));
    await publish(h.ctx.db, { role: 'operator', sub: 'op' }, '301010/00003');
    expect(await page('301010/00003')).toBeNull();
  });

  it('is 已接入 with its live rows and last run after one; overdue when that run is older than its 更新周期', async () => {
    await saveJob(h.ctx.db, socialInsuranceJob(fe.job().source));
    const before = Date.now();
    const outcome = await new SyncEngine(h.ctx.db).runById('demo-social-insurance', 'full');
    expect(outcome.status).toBe('succeeded');
    const fresh = await page();
    expect(fresh).toMatchObject({ state: '已接入', rows: 10, overdue: false });
    expect(fresh.last_success_at).toBeGreaterThanOrEqual(before);
    await h.ctx.db('sync_runs').update({ ended_at: Date.now() - FRESHNESS_MS['每日']! - 60_000 });
    expect(await page()).toMatchObject({ state: '已接入', rows: 10, overdue: true });
    // a run that failed since does not make it fresh
    await h.ctx.db('sync_runs').insert({ job_id: 'demo-social-insurance', mode: 'incr', status: 'failed', started_at: Date.now(), ended_at: Date.now(), host: 'test', rows_read: 0, rows_written: 0, rows_unchanged: 0, rows_rejected: 0, rows_deleted: 0 });
    expect((await page()).overdue).toBe(true);
  });

  it('counts a library once per run into it, not per page; says whether it has data without counting', async () => {
    const lib = (await libraryOfResource(h.ctx.db, '301010/00002'))!;
    const counted: string[] = [];
    const record = (q: { sql: string }) => void (/count\(/i.test(q.sql) && q.sql.includes(lib.table) && counted.push(q.sql));
    h.ctx.db.on('query', record);
    try {
      const views = async (n: number) => {
        for (let i = 0; i < n; i++) expect((await page()).rows).toBe(10);
      };
      await views(3);
      const afterViews = counted.length;
      expect(afterViews).toBeLessThanOrEqual(1); // the previous test's last run may already be counted
      await views(2);
      expect(counted).toHaveLength(afterViews);
      // a person gone from the source: the page shows the count of before until a run removes them, then counts again, once
      const [first] = (await fe.db(SOCIAL_INSURANCE_TABLE).limit(1)) as Array<Record<string, unknown>>;
      await fe.db(SOCIAL_INSURANCE_TABLE).where(first).del();
      await views(1);
      expect((await new SyncEngine(h.ctx.db).runById('demo-social-insurance', 'full')).status).toBe('succeeded');
      for (let i = 0; i < 3; i++) expect((await page()).rows).toBe(9);
      expect(counted).toHaveLength(afterViews + 1);
      // data or not: found without a count
      expect(await hasLiveRows(h.ctx.db, lib.table)).toBe(true);
      await h.ctx.db(lib.table).update({ deleted: true });
      expect(await hasLiveRows(h.ctx.db, lib.table)).toBe(false);
      expect(counted).toHaveLength(afterViews + 1);
    } finally {
      h.ctx.db.off('query', record);
    }
  });
});
