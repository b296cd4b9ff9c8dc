/**
 * Interface documents show no real person (issue 10), and mask as answers do: the example is
 * synthetic (checksum-valid, regenerated when a library holds it), the document says so,
 * getDZZZ's example names no natural person, and a document's masked example equals what a
 * consumer granted the same items with the default masks receives for the same record.
 */
import { addConsumer } from '../../../catalog/consumers';
import { buildDocument, renderMarkdown } from '../../../catalog/documents';
import { SYNTHETIC_NOTE, syntheticEntity, syntheticPerson } from '../../../catalog/examples';
import { createGrant } from '../../../catalog/grants';
import { publishedVersion } from '../../../catalog/resources';
import { startServer, RunningServer } from '../../../scripts/app/server';
import { checkCreditCode, checkIdNumber } from '../../../schemas/checksums';
import { ALL_LOOKUPS } from '../../../scripts/demo';
import { STORAGE_TARGETS } from '../../support/databases';
import { testContext, TestContext } from '../../support/context';
import { Fixtures, insertFixtures, postJson, PURPOSE, tokenFor } from '../../support/lookups';

const POPULATION = '101001/00001';

describe.each(STORAGE_TARGETS)('interface document examples on %s', (target) => {
  let ctx: TestContext;
  let server: RunningServer;
  let fx: Fixtures;

  beforeAll(async () => {
    ctx = await testContext(target);
    fx = await insertFixtures(ctx.db);
    server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server.close();
    await ctx.dispose().catch(() => undefined);
  });

  const example = async (method: string) => (await buildDocument(ctx.db, ctx.config, method)).example_response.data[0];
  const stored = async (table: string, column: string) => ((await ctx.db(table).select(column)) as Array<Record<string, string>>).map((r) => r[column]);

  it('getRKZP shows a synthetic person no library holds, and says it is synthetic', async () => {
    const doc = await buildDocument(ctx.db, ctx.config, 'getRKZP');
    const shown = doc.example_response.data[0];
    for (const value of Object.values(shown)) {
      for (const id of [...(await stored('population', 'gmsfzh')), ...(await stored('population', 'xm')), ...(await stored('population', 'hjd'))]) {
        expect(String(value)).not.toBe(id);
      }
    }
    expect(JSON.stringify(doc)).not.toContain(fx.alice.xm);
    expect(doc.rows.find((r) => r.label === '备注说明')!.value).toContain(SYNTHETIC_NOTE);
    expect(renderMarkdown(doc)).toContain('虚构数据');
    // the ID number cannot be completed from the birth date shown beside it
    expect(shown.CSRQ).toBe('********');
    expect(String(shown.GMSFZH)).toMatch(/^370306\*{8}[0-9]{3}[0-9X]$/);
  });

  it('regenerates an example that a library holds', async () => {
    const first = syntheticPerson(0);
    expect(checkIdNumber(first.GMSFZH)).toBeNull();
    expect(checkCreditCode(String(syntheticEntity(0).TYSHXYDM))).toBeNull();
    const before = await example('getRKZP');
    expect(String(before.GMSFZH).slice(-4)).toBe(first.GMSFZH.slice(-4));
    // the library now holds the first synthetic person (as if a department had sent it)
    await ctx.db('population').insert({
      rybh: 'RYCLASH00001', gmsfzh: first.GMSFZH, xm: '真实的人', csrq: first.CSRQ, mz: '01', xb: first.XB, jg: 'x', csd: 'x', hjd: 'x',
      synced_at: 1, deleted: true, deleted_at: 1, source_job: 'test',
    });
    try {
      const after = await example('getRKZP');
      expect(String(after.GMSFZH).slice(-4)).toBe(syntheticPerson(1).GMSFZH.slice(-4));
      expect(after.GMSFZH).not.toBe(before.GMSFZH);
    } finally {
      await ctx.db('population').where({ rybh: 'RYCLASH00001' }).del();
    }
  });

  it("getDZZZ's example is held by an organisation, not a natural person; getFRXX's credit code is no library's", async () => {
    const licence = await example('getDZZZ');
    expect(licence.CZZTDMLX).toBe('统一社会信用代码');
    expect(String(licence.CZZT)).toMatch(/公司$/);
    const names = [...(await stored('population', 'xm')), ...(await stored('licence', 'czzt'))];
    for (const n of names) expect(JSON.stringify(licence)).not.toContain(n);
    const firm = await example('getFRXX');
    expect(await stored('legal_entity', 'jgmc')).not.toContain(firm.JGMC);
    expect(await stored('legal_entity', 'tyshxydm')).not.toContain(firm.TYSHXYDM);
    expect(checkCreditCode(String(firm.TYSHXYDM))).toBeNull();
    expect(firm.FDDBR).toBe('李**'); // a legal representative is a person: masked as sensitive
  });

  it("a document's masked example equals a lookup answer for the same record under the default masks", async () => {
    const doc = await example('getRKZP');
    // put the example person into the library and ask for them as a consumer granted every
    // item with the default masks of an approved application (the sensitive items)
    const p = syntheticPerson(0);
    await ctx.db('population').insert({ rybh: p.RYBH, gmsfzh: p.GMSFZH, xm: p.XM, csrq: p.CSRQ, mz: p.MZ, xb: p.XB, jg: p.JG, csd: p.CSD, hjd: p.HJD, synced_at: 1, deleted: false, source_job: 'test' });
    try {
      const reg = (await publishedVersion(ctx.db, POPULATION))!.registration;
      await addConsumer(ctx.db, { id: 'default-masks', name: '默认脱敏', methods: ALL_LOOKUPS });
      await createGrant(ctx.db, {
        consumer_id: 'default-masks', resource_code: POPULATION, application_id: null, expires_at: null,
        items: reg.items.map((i) => i.field), masked_items: reg.items.filter((i) => i.sensitive).map((i) => i.field),
      });
      const headers = { authorization: `Bearer ${tokenFor(ctx.config, 'default-masks')}`, 'x-purpose': PURPOSE };
      const answer = await postJson(`http://127.0.0.1:${server.port}`, 'getRKZP', { xm: p.XM, gmsfzh: p.GMSFZH }, headers);
      expect(answer.body.result_code).toBe('200');
      expect(answer.body.data[0]).toEqual(doc);
    } finally {
      await ctx.db('population').where({ rybh: p.RYBH }).del();
    }
  });
});
