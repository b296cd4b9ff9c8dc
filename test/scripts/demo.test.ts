import { checkCreditCode, checkIdNumber, isEthnicityCode } from '../../schemas/checksums';
import { parseLicensingItems } from '../../catalog/gazette';
import { entity, licence, person } from '../../scripts/demo/records';
import { DELIBERATE_DIFFERENCES } from '../../scripts/demo/civil-affairs';
import { DELIBERATE_INCONSISTENCIES } from '../../scripts/demo/inconsistencies';
import fs from 'node:fs';
import { DEMO_CONSUMER_ID, demoConsumerFile, ensureDemo, frontendDemoFile } from '../../scripts/demo';
import { SOCIAL_INSURANCE_CODE, socialInsuranceRegistration } from '../../scripts/demo/social-insurance';
import { activeGrants } from '../../catalog/grants';
import { buildReport, parsePeriod } from '../../catalog/matters/report';
import { STORAGE_TARGETS } from '../support/databases';
import { listMethods } from '../../catalog/metaservices';
import { testContext, TestContext } from '../support/context';

const SEED = 20181009;

describe('synthetic records', () => {
  const items = parseLicensingItems();

  it('are deterministic', () => {
    expect(person(SEED, 42)).toEqual(person(SEED, 42));
    expect(entity(SEED, 7)).toEqual(entity(SEED, 7));
    expect(licence(SEED, 9, items, 100, 100)).toEqual(licence(SEED, 9, items, 100, 100));
    expect(person(SEED + 1, 42).XM === person(SEED, 42).XM && person(SEED + 1, 42).HJD === person(SEED, 42).HJD).toBe(false);
  });

  it('carry valid, unique codes', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20000; i++) {
      const p = person(SEED, i);
      expect(checkIdNumber(p.GMSFZH)).toBeNull();
      expect(['1', '2']).toContain(p.XB);
      expect(Number(p.GMSFZH[16]) % 2 === 1 ? '1' : '2').toBe(p.XB); // GB 11643 sequence parity = sex
      expect(isEthnicityCode(p.MZ)).toBe(true);
      expect(p.CSRQ).toBe(p.GMSFZH.slice(6, 14));
      ids.add(p.GMSFZH);
    }
    expect(ids.size).toBe(20000);
    const codes = new Set<string>();
    const names = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const e = entity(SEED, i);
      expect(checkCreditCode(e.TYSHXYDM)).toBeNull();
      codes.add(e.TYSHXYDM);
      names.add(e.JGMC);
    }
    expect(codes.size).toBe(5000);
    expect(names.size).toBe(5000);
  });

  it('spread licences over the 214 licensing items, held by generated people or entities', () => {
    const types = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const l = licence(SEED, i, items, 1000, 1000);
      types.add(l.ZZLXDM);
      const holderOk = l.CZZTDMLX === '公民身份号码' ? checkIdNumber(l.CZZTDM) : checkCreditCode(l.CZZTDM);
      expect(holderOk).toBeNull();
      expect(items.find((it) => it.code === l.ZZLXDM)?.name).toBe(l.SXMC);
    }
    expect(types.size).toBe(214);
  });
});

describe.each(STORAGE_TARGETS)('the demo on %s', (target) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await testContext(target);
  });
  afterAll(async () => {
    await ctx.dispose();
  });

  it('builds the front-end, seeds the catalogue and fills the base libraries; a second run reuses them', async () => {
    const size = { people: 300, entities: 80, licences: 200, seed: SEED };
    const first = await ensureDemo(ctx, size);
    expect(first.builtFrontend).toBe(true);
    expect(first.synced).toEqual({ population: 300, legal_entity: 80, licence: 200, lib_301010_00002: 100 });
    expect(first.consumerSecret).toBeTruthy();
    const count = async (t: string) => Number((await ctx.db(t).count({ n: '*' }).first())!.n);
    expect(await count('licensing_items')).toBe(214);
    expect(await count('departments')).toBeGreaterThan(30);
    // the demo window plus two department systems of the 事项 demo
    expect(await count('consumers')).toBe(3);
    // 事项 demo: 8 materials of XK137, XK145, XK196; covered, connected and granted: XK137 身份证明, XK145 营业执照
    const report = await buildReport(ctx.db, parsePeriod(undefined, undefined));
    expect(report.matters.map((m) => [m.code, m.materials, m.exempt])).toEqual([['XK137', 2, 1], ['XK145', 3, 1], ['XK196', 3, 0]]);
    expect(report.total).toMatchObject({ materials: 8, exempt: 2, rate: 0.25 });

    const second = await ensureDemo(ctx, size);
    expect(second.builtFrontend).toBe(false);
    expect(second.synced).toBeNull();
    // the secret is printed on the first start only; it stays in the private file
    expect(second.consumerSecret).toBeNull();
    const kept = JSON.parse(fs.readFileSync(demoConsumerFile(ctx.config.dataDir), 'utf8')) as { client_secret: string };
    expect(kept.client_secret).toBe(first.consumerSecret);
    expect((fs.statSync(demoConsumerFile(ctx.config.dataDir)).mode & 0o777).toString(8)).toBe('600');
    expect(second.frontendFile).toBe(frontendDemoFile(ctx.config.dataDir));
    expect(await count('population')).toBe(300);
    expect(await count('matter_materials')).toBe(8);
    const p = person(SEED, 5);
    const stored = await ctx.db('population').where({ rybh: p.RYBH }).first();
    expect(stored).toMatchObject({ gmsfzh: p.GMSFZH, xm: p.XM, hjd: p.HJD, src_updated_at: p.GXSJ });

    // a newcomer sees 校核差异: 民政's deliberate differences and the inconsistent 公安 records
    const open = await ctx.db('verification_differences').whereNull('closed_at').select('source');
    const bySource = (source: string) => open.filter((d) => d.source === source).length;
    expect(bySource('demo-civil-verify')).toBe(Object.keys(DELIBERATE_DIFFERENCES).length);
    // 区人社局's data set: published, its library filled by its own job, its method callable
    const insured = await ctx.db('lib_301010_00002').where({ gmsfzh: person(SEED, 3).GMSFZH }).first();
    expect(insured).toMatchObject({ xm: person(SEED, 3).XM, deleted: expect.anything(), source_job: 'demo-social-insurance' });
    expect((await listMethods(ctx.db)).find((m) => m.method === 'getSBCB')).toMatchObject({ resource_code: '301010/00002', state: '已接入' });
    // …and the demo consumer may call it: a grant in force of every item
    const [sbcb] = await activeGrants(ctx.db, DEMO_CONSUMER_ID, SOCIAL_INSURANCE_CODE);
    expect([...sbcb.items].sort()).toEqual(socialInsuranceRegistration().items.map((i) => i.field).sort());
    expect(open.length - bySource('demo-civil-verify')).toBe(Object.keys(DELIBERATE_INCONSISTENCIES).length);
  });
});
