/**
 * The lookups over the JSON interface, on every storage target: each method's found / not
 * found / deleted-row cases, validation before any query, the envelope and its status.
 */
import { STORAGE_TARGETS } from '../../support/databases';
import type { TestContext } from '../../support/context';
import { testGateway, TestGateway } from '../../support/gateway';
import { auditCount, Fixtures, postJson } from '../../support/lookups';
import { idCheckChar } from '../../../schemas/checksums';

describe.each(STORAGE_TARGETS)('JSON lookups on %s', (target) => {
  let ctx: TestContext;
  let gw: TestGateway;
  let fx: Fixtures;
  let base: string;
  let headers: Record<string, string>;

  beforeAll(async () => {
    gw = await testGateway(target);
    ({ ctx, fx, base } = gw);
    headers = gw.headers;
  });
  afterAll(() => gw.close());

  const call = (method: string, params: unknown, h: Record<string, string> = headers) => postJson(base, method, params, h);

  describe('getRKZP', () => {
    it('returns the template fields, in the template order', async () => {
      const a = await call('getRKZP', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh });
      expect(a.status).toBe(200);
      expect(a.body.result_code).toBe('200');
      expect(a.body.msg).toBe('操作成功');
      expect(a.body.data).toHaveLength(1);
      expect(Object.keys(a.body.data[0])).toEqual(['RYBH', 'GMSFZH', 'XM', 'CSRQ', 'MZ', 'XB', 'JG', 'CSD', 'HJD']);
      expect(a.body.data[0]).toMatchObject({ RYBH: fx.alice.rybh, GMSFZH: fx.alice.gmsfzh, XM: fx.alice.xm });
      expect(Object.keys(a.body)).toEqual(['msg', 'result_code', 'data']);
    });

    it('answers 404 with data [] for an unknown number, a wrong name, and a deleted row', async () => {
      const unknownFirst17 = '37030619990101999';
      for (const params of [
        { xm: fx.alice.xm, gmsfzh: unknownFirst17 + idCheckChar(unknownFirst17) },
        { xm: '另一个人', gmsfzh: fx.alice.gmsfzh },
        { xm: fx.ghost.xm, gmsfzh: fx.ghost.gmsfzh },
      ]) {
        const a = await call('getRKZP', params);
        expect(a.status).toBe(404);
        expect(a.body).toEqual({ msg: '未查询到数据', result_code: '404', data: [] });
      }
    });

    it('normalises a 15-digit legacy number', async () => {
      const a = await call('getRKZP', { xm: fx.legacy.xm, gmsfzh: fx.legacy.id15 });
      expect(a.status).toBe(200);
      expect(a.body.data[0].GMSFZH).toBe(fx.legacy.gmsfzh);
    });

    it('accepts GET with a query string', async () => {
      const q = new URLSearchParams({ xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh });
      const r = await fetch(`${base}/dprs/api/getRKZP?${q}`, { headers });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { data: unknown[] }).data).toHaveLength(1);
    });
  });

  describe('validation before any query', () => {
    const wrongCheck = () => fx.alice.gmsfzh.slice(0, 17) + (fx.alice.gmsfzh[17] === '0' ? '1' : '0');
    it.each([
      ['wrong check digit', () => ({ xm: '张三', gmsfzh: wrongCheck() }), '参数错误：gmsfzh 公民身份号码校验位错误'],
      ['wrong length', () => ({ xm: '张三', gmsfzh: '37030619900101' }), '参数错误：gmsfzh 公民身份号码长度应为18位，实际14位'],
      ['empty name', () => ({ xm: '', gmsfzh: fx.alice.gmsfzh }), '参数错误：xm 不能为空'],
      ['blank name', () => ({ xm: '   ', gmsfzh: fx.alice.gmsfzh }), '参数错误：xm 不能为空'],
      ['missing number', () => ({ xm: '张三' }), '参数错误：gmsfzh 缺少必填项'],
      ['unknown parameter', () => ({ xm: '张三', gmsfzh: fx.alice.gmsfzh, sfzh: '1' }), '参数错误：sfzh 不是可识别的字段'],
      ['number not a string', () => ({ xm: '张三', gmsfzh: 370306 }), '参数错误：gmsfzh 类型错误，应为字符串'],
    ])('getRKZP: %s → 400 naming the parameter', async (_label, params, msg) => {
      const a = await call('getRKZP', params());
      expect(a.status).toBe(400);
      expect(a.body).toEqual({ msg, result_code: '400', data: [] });
    });

    it('getFRXX: a bad credit code → 400', async () => {
      const bad = fx.firm.tyshxydm.slice(0, 17) + (fx.firm.tyshxydm[17] === '0' ? '1' : '0');
      const a = await call('getFRXX', { tyshxydm: bad });
      expect(a.status).toBe(400);
      expect(a.body.msg).toBe('参数错误：tyshxydm 统一社会信用代码校验位错误');
      const charset = await call('getFRXX', { tyshxydm: 'I1370306MA3C00000X' });
      expect(charset.body.msg).toMatch(/^参数错误：tyshxydm 统一社会信用代码含非法字符/);
    });

    it('getFRXX: neither or both keys → 400', async () => {
      for (const params of [{}, { tyshxydm: fx.firm.tyshxydm, jgmc: fx.firm.jgmc }]) {
        const a = await call('getFRXX', params);
        expect(a.status).toBe(400);
        expect(a.body.msg).toMatch(/^参数错误：tyshxydm 须且只能提供/);
      }
    });

    it('a non-object body → 400', async () => {
      const r = await fetch(`${base}/dprs/api/getRKZP`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '[1,2]' });
      expect(r.status).toBe(400);
      const broken = await fetch(`${base}/dprs/api/getRKZP`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{"xm":' });
      expect(broken.status).toBe(400);
      expect(await broken.json()).toEqual({ msg: '参数错误：body 请求体不是合法的JSON', result_code: '400', data: [] });
    });

    it('a body over the limit → 400, not 500', async () => {
      const big = JSON.stringify({ xm: 'x'.repeat(ctx.config.bodyLimitBytes + 10), gmsfzh: fx.alice.gmsfzh });
      const r = await fetch(`${base}/dprs/api/getRKZP`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: big });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { msg: string }).msg).toBe('参数错误：body 请求体过大');
    });
  });

  describe('getRKHY', () => {
    it('answers 一致 / 不一致 / 查无此人 with codes 1 / 2 / 3 and no personal data', async () => {
      const same = await call('getRKHY', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh });
      expect(same.status).toBe(200);
      expect(same.body.data).toEqual([{ HYJG: '一致', HYJGDM: '1' }]);
      const other = await call('getRKHY', { xm: '另一个人', gmsfzh: fx.alice.gmsfzh });
      expect(other.body.data).toEqual([{ HYJG: '不一致', HYJGDM: '2' }]);
      const gone = await call('getRKHY', { xm: fx.ghost.xm, gmsfzh: fx.ghost.gmsfzh });
      expect(gone.status).toBe(200);
      expect(gone.body.data).toEqual([{ HYJG: '查无此人', HYJGDM: '3' }]);
      expect(same.text).not.toContain(fx.alice.gmsfzh);
    });
  });

  describe('batchRKHY', () => {
    it('answers one result per item, in order; a bad item gets its own 400', async () => {
      const bad = fx.alice.gmsfzh.slice(0, 17) + (fx.alice.gmsfzh[17] === '0' ? '1' : '0');
      const a = await call('batchRKHY', {
        items: [
          { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh },
          { xm: '张三', gmsfzh: bad },
          { xm: '另一个人', gmsfzh: fx.alice.gmsfzh },
          { xm: fx.ghost.xm, gmsfzh: fx.ghost.gmsfzh },
          { xm: fx.legacy.xm, gmsfzh: fx.legacy.id15 },
          { name: 'x' },
        ],
      });
      expect(a.status).toBe(200);
      expect(a.body.data).toEqual([
        { XH: 1, result_code: '200', msg: '操作成功', HYJG: '一致', HYJGDM: '1' },
        { XH: 2, result_code: '400', msg: '参数错误：gmsfzh 公民身份号码校验位错误' },
        { XH: 3, result_code: '200', msg: '操作成功', HYJG: '不一致', HYJGDM: '2' },
        { XH: 4, result_code: '200', msg: '操作成功', HYJG: '查无此人', HYJGDM: '3' },
        { XH: 5, result_code: '200', msg: '操作成功', HYJG: '一致', HYJGDM: '1' },
        { XH: 6, result_code: '400', msg: '参数错误：name 不是可识别的字段' },
      ]);
    });

    it('takes up to 1,000 items; more, none, or no list → 400', async () => {
      const item = { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh };
      const full = await call('batchRKHY', { items: Array.from({ length: 1000 }, () => item) });
      expect(full.status).toBe(200);
      expect(full.body.data).toHaveLength(1000);
      expect(full.body.data[999]).toMatchObject({ XH: 1000, HYJG: '一致' });
      const over = await call('batchRKHY', { items: Array.from({ length: 1001 }, () => item) });
      expect(over.status).toBe(400);
      expect(over.body.msg).toBe('参数错误：items 最多1000项');
      expect((await call('batchRKHY', { items: [] })).body.msg).toBe('参数错误：items 不能为空列表');
      expect((await call('batchRKHY', {})).body.msg).toBe('参数错误：items 缺少必填项');
    });
  });

  describe('getFRXX', () => {
    it('finds by credit code and by exact name, with the template fields in order', async () => {
      for (const params of [{ tyshxydm: fx.firm.tyshxydm }, { jgmc: fx.firm.jgmc }]) {
        const a = await call('getFRXX', params);
        expect(a.status).toBe(200);
        expect(a.body.data).toHaveLength(1);
        expect(Object.keys(a.body.data[0])).toEqual(['TYSHXYDM', 'JGMC', 'JGLX', 'FDDBR', 'ZCZB', 'CLRQ', 'DJJG', 'ZS', 'JYFW', 'DJZT']);
        expect(a.body.data[0].TYSHXYDM).toBe(fx.firm.tyshxydm);
        expect(typeof a.body.data[0].ZCZB).toBe('number');
      }
    });

    it('does not match a partial name, and hides deleted rows', async () => {
      expect((await call('getFRXX', { jgmc: fx.firm.jgmc.slice(0, 4) })).status).toBe(404);
      expect((await call('getFRXX', { tyshxydm: fx.deletedFirm.tyshxydm })).status).toBe(404);
      expect((await call('getFRXX', { jgmc: fx.deletedFirm.jgmc })).status).toBe(404);
    });
  });

  describe('getDZZZ', () => {
    it('finds by licence number, with the template fields in order; ZZYXQJZRQ null means 长期', async () => {
      const a = await call('getDZZZ', { zzbh: fx.licences.longTerm });
      expect(a.status).toBe(200);
      expect(Object.keys(a.body.data[0])).toEqual(['ZZBH', 'ZZMC', 'ZZLXDM', 'CZZT', 'CZZTDM', 'CZZTDMLX', 'ZZBFJG', 'ZZBFRQ', 'ZZYXQQSRQ', 'ZZYXQJZRQ', 'ZZZT', 'SXMC']);
      expect(a.body.data[0].ZZYXQJZRQ).toBeNull();
    });

    it('finds by holder code, optionally narrowed by type; deleted licences hidden', async () => {
      const all = await call('getDZZZ', { czztdm: fx.firm.tyshxydm });
      expect(all.body.data.map((d) => d.ZZBH).sort()).toEqual(['ZC-EXPIRED-1', 'ZC-LONG-1', 'ZC-REVOKED-1', 'ZC-VALID-1']);
      expect((await call('getDZZZ', { czztdm: fx.firm.tyshxydm, zzlxdm: '0042' })).body.data).toHaveLength(4);
      expect((await call('getDZZZ', { czztdm: fx.firm.tyshxydm, zzlxdm: '9999' })).status).toBe(404);
      expect((await call('getDZZZ', { zzbh: fx.licences.deleted })).status).toBe(404);
      expect((await call('getDZZZ', { zzbh: 'NO-SUCH' })).status).toBe(404);
    });

    it('rejects a holder code that is neither a credit code nor an ID number, and zzbh with czztdm', async () => {
      expect((await call('getDZZZ', { czztdm: '12345' })).body.msg).toMatch(/^参数错误：czztdm /);
      expect((await call('getDZZZ', { zzbh: 'A', czztdm: fx.firm.tyshxydm })).body.msg).toMatch(/^参数错误：zzbh /);
      expect((await call('getDZZZ', { zzlxdm: '0042' })).status).toBe(400);
    });
  });

  describe('getDZZZHY', () => {
    it.each([
      ['valid', 'valid', { HYJG: '有效', HYJGDM: '1' }],
      ['long-term (no end date)', 'longTerm', { HYJG: '有效', HYJGDM: '1' }],
      ['expired', 'expired', { HYJG: '已过期', HYJGDM: '2' }],
      ['revoked', 'revoked', { HYJG: '已注销或吊销', HYJGDM: '3' }],
      ['deleted', 'deleted', { HYJG: '查无此证', HYJGDM: '4' }],
    ] as const)('%s licence', async (_label, key, verdict) => {
      const a = await call('getDZZZHY', { zzbh: fx.licences[key], czztdm: fx.firm.tyshxydm });
      expect(a.status).toBe(200);
      expect(a.body.data).toEqual([verdict]);
    });

    it('a licence held by someone else is 查无此证', async () => {
      const a = await call('getDZZZHY', { zzbh: fx.licences.valid, czztdm: fx.alice.gmsfzh });
      expect(a.body.data).toEqual([{ HYJG: '查无此证', HYJGDM: '4' }]);
    });
  });

  it('an unknown method → 404 envelope', async () => {
    const a = await call('getNothing', {});
    expect(a.status).toBe(404);
    expect(a.body).toEqual({ msg: '未查询到数据：method 接口方法不存在', result_code: '404', data: [] });
  });

  it('leaves non-method names under /dprs/api/ to other routes (plain not-found here)', async () => {
    const r = await fetch(`${base}/dprs/api/no.such-thing.json`, { headers });
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ msg: '未查询到数据：path 接口不存在', result_code: '404', data: [] });
  });

  it('never puts an ID number into the audit table', async () => {
    const rows = (await ctx.db('audit_log').select('*')) as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThan(10);
    expect(await auditCount(ctx.db)).toBe(rows.length);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(fx.alice.gmsfzh);
    expect(dump).not.toContain(fx.firm.tyshxydm);
  });
});
