/**
 * When things break: a failing base-library query or audit write answers 500 系统错误 with no
 * data, no SQL and no stack, on both interfaces; and no log line carries an ID number, a
 * name looked up, or SQL text.
 */
import { createLogger } from '../../core/logger';
import { STORAGE_TARGETS } from '../support/databases';
import type { TestContext } from '../support/context';
import { testGateway, TestGateway } from '../support/gateway';
import { Fixtures, postJson } from '../support/lookups';
import * as auditStore from '../../gateway/auditing/store';

const LEAK = /\n\s*at |\.ts:\d|\.js:\d|node_modules|select |insert into|population|audit_log|SQLITE|ER_/i;

describe.each(STORAGE_TARGETS)('lookup failures and logs on %s', (target) => {
  let ctx: TestContext;
  let gw: TestGateway;
  let fx: Fixtures;
  let base: string;
  let headers: Record<string, string>;
  const lines: string[] = [];

  beforeAll(async () => {
    gw = await testGateway(target, { log: createLogger('trace', { write: (s: string) => void lines.push(s) }) });
    ({ ctx, fx, base } = gw);
    headers = gw.headers;
  });
  afterAll(() => gw.close());

  const soap = async (op: string, inner: string) => {
    const r = await fetch(`${base}/dprs/webService/DataService`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml', ...headers },
      body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><d:${op} xmlns:d="http://dprs.zhoucun.gov.cn/">${inner}</d:${op}></s:Body></s:Envelope>`,
    });
    return { status: r.status, text: await r.text() };
  };

  it('a failing base-library query → 500 系统错误, audited, nothing leaked', async () => {
    await ctx.db.schema.renameTable('population', 'population_parked');
    try {
      const r = await postJson(base, 'getRKZP', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }, headers);
      expect(r.status).toBe(500);
      expect(r.body).toEqual({ msg: '系统错误', result_code: '500', data: [] });
      expect(r.text).not.toMatch(LEAK);
      const s = await soap('getRKZP', `<xm>${fx.alice.xm}</xm><gmsfzh>${fx.alice.gmsfzh}</gmsfzh>`);
      expect(s.status).toBe(200);
      expect(s.text).toContain('系统错误');
      expect(s.text).not.toMatch(LEAK);
    } finally {
      await ctx.db.schema.renameTable('population_parked', 'population');
    }
    const rows = await ctx.db('audit_log').where({ result_code: '500' });
    expect(rows).toHaveLength(2);
  });

  it('a lookup whose audit row comes while another transaction is open (a sync batch into the library) is answered once it ends', async () => {
    const real = auditStore.appendWhenLocked;
    let opened: Promise<void> | undefined;
    jest.spyOn(auditStore, 'appendWhenLocked').mockImplementationOnce(async (db, key, take) => {
      // a batch begins between the lookup's reads and its audit row, and holds the database a while
      let begun!: () => void;
      const inside = new Promise<void>((resolve) => (begun = resolve));
      opened = ctx.db.transaction(async (trx) => {
        await trx('population').where({ RYBH: fx.alice.rybh }).update({ synced_at: Date.now() });
        begun();
        await new Promise((r) => setTimeout(r, 50));
      });
      await inside;
      return real(db, key, take);
    });
    const r = await postJson(base, 'getRKZP', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }, headers);
    await opened;
    expect(opened).toBeDefined();
    expect([r.status, r.body.result_code]).toEqual([200, '200']);
  });

  it('an unwritable audit table over SOAP → 500 envelope and no data', async () => {
    await ctx.db.schema.renameTable('audit_log', 'audit_log_parked');
    try {
      const s = await soap('getRKZP', `<xm>${fx.alice.xm}</xm><gmsfzh>${fx.alice.gmsfzh}</gmsfzh>`);
      expect(s.status).toBe(200);
      expect(s.text).toContain('&quot;result_code&quot;:&quot;500&quot;');
      expect(s.text).not.toContain(fx.alice.gmsfzh);
      expect(s.text).not.toMatch(LEAK);
    } finally {
      await ctx.db.schema.renameTable('audit_log_parked', 'audit_log');
    }
  });

  it('no log line carries the ID number, the name or SQL, even for GET query strings', async () => {
    const q = new URLSearchParams({ xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh });
    expect((await fetch(`${base}/dprs/api/getRKZP?${q}`, { headers })).status).toBe(200);
    expect((await fetch(`${base}/dprs/api/getRKZP?${q}`)).status).toBe(401);
    await postJson(base, 'getRKZP', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh.slice(0, 17) + 'Y' }, headers);
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    expect(log).toContain('lookup failed');
    expect(log).toContain('audit write failed');
    expect(log).not.toContain(fx.alice.gmsfzh);
    expect(log).not.toContain(fx.alice.gmsfzh.slice(0, 17));
    expect(log).not.toContain(fx.alice.xm);
    expect(log).not.toMatch(/select |insert into/i);
  });
});
