/**
 * Generic lookups over the one pipeline: a method a published registration declares with a
 * query answers from its resource's library — validated per its declaration (400 naming the
 * parameter and its item), 503 数据尚未接入 before the library is connected (never 404),
 * authorised by grants alone and masked as granted, rate-limited and audited like the six
 * fixed methods, exact matches only, hidden items never answered — over JSON and SOAP alike;
 * the WSDL, OpenAPI and the interface document follow the published catalogue.
 */
import { STORAGE_TARGETS } from '../../support/databases';
import { testGateway, TestGateway } from '../../support/gateway';
import { postJson, PURPOSE, tokenFor } from '../../support/lookups';
import { sampleRegistration } from '../../support/catalog';
import { publish, register, retire, revise } from '../../../catalog/lifecycle';
import { createGrant } from '../../../catalog/grants';
import { addConsumer } from '../../../catalog/consumers';
import { idCheckChar } from '../../../schemas/checksums';
import { queryKeyHash } from '../../../gateway/auditing/chain';
import type { Principal } from '../../../catalog/principal';
import type { InterfaceSpec, Registration } from '../../../catalog/resources';

const OPERATOR: Principal = { role: 'operator', sub: 'op' };
const RSJ: Principal = { role: 'department', sub: 'rsj', dept: 'ZC010' };
const CODE = '301010/00001';
const TABLE = 'lib_301010_00001';
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const TNS = 'http://dprs.zhoucun.gov.cn/';

/** A synthetic 公民身份号码 with a valid check character. */
const idNumber = (first17: string) => first17 + idCheckChar(first17);
const ZHANG = idNumber('37030619800101001'); // 15-digit form below
const ZHANG15 = ZHANG.slice(0, 6) + ZHANG.slice(8, 17);
const LI = idNumber('37030619920202002');
const NOBODY = idNumber('37030619930303003');

const SBCB: InterfaceSpec = {
  method: 'getSBCB',
  name: '社保参保信息',
  function: '用于查询社会保险参保状态',
  query: {
    params: [
      { name: 'gmsfzh', item: 'GMSFZH', check: '公民身份号码' },
      { name: 'xm', item: 'XM' },
      { name: 'cbrq', item: 'CBRQ', check: '日期', date_format: 'YYYYMMDD' },
      { name: 'cbzt', item: 'CBZT', check: '代码', codes: ['1', '2', '3'] },
    ],
    one_of: [['gmsfzh'], ['xm', 'cbrq']],
  },
};

const registration = (over: Partial<Registration> = {}): Registration => sampleRegistration({ interfaces: [SBCB], ...over });

function soapCall(op: string, p: Record<string, string>): string {
  const params = Object.entries(p).map(([k, v]) => `<${k}>${v}</${k}>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${SOAP11}" xmlns:d="${TNS}"><s:Body><d:${op}>${params}</d:${op}></s:Body></s:Envelope>`;
}

function returned(xml: string): { msg: string; result_code: string; data: Record<string, unknown>[] } {
  const m = /<return>([\s\S]*?)<\/return>/.exec(xml);
  if (!m) throw new Error(`no <return> in ${xml.slice(0, 300)}`);
  return JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
}

describe.each(STORAGE_TARGETS)('generic lookups on %s', (target) => {
  let gw: TestGateway;
  let granted: Record<string, string>;
  let ungranted: Record<string, string>;
  const json = (params: unknown, headers = granted) => postJson(gw.base, 'getSBCB', params, headers);
  const soap = async (op: string, p: Record<string, string>, headers = granted) => {
    const r = await fetch(`${gw.base}/dprs/webService/DataService`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', ...headers }, body: soapCall(op, p) });
    return { status: r.status, text: await r.text() };
  };
  const wsdl = async () => (await fetch(`${gw.base}/dprs/webService/DataService?wsdl`)).text();
  const auditRows = async () => {
    await gw.ctx.audit.flush();
    return (await gw.ctx.db('audit_log').where({ method: 'getSBCB' }).orderBy('id')) as Array<Record<string, unknown>>;
  };

  beforeAll(async () => {
    gw = await testGateway(target, { env: { RATE_LIMITS: 'getSBCB:60' } });
    const db = gw.ctx.db;
    await register(db, RSJ, registration());
    await publish(db, OPERATOR, CODE);
    // 医保窗口 holds a grant of three items, 姓名 masked; 另一窗口 holds none
    for (const id of ['yb-window', 'other-window']) await addConsumer(db, { id, name: id, methods: [] });
    await createGrant(db, { consumer_id: 'yb-window', resource_code: CODE, application_id: null, items: ['GMSFZH', 'XM', 'CBZT'], masked_items: ['XM'], expires_at: null });
    const headers = (id: string) => ({ authorization: `Bearer ${tokenFor(gw.ctx.config, id, [])}`, 'x-purpose': PURPOSE });
    granted = headers('yb-window');
    ungranted = headers('other-window');
  });
  afterAll(() => gw?.close());

  it('before its library is connected: 503 数据尚未接入 to any authenticated caller (never 404), audited; a bad parameter is still a 400', async () => {
    for (const h of [granted, ungranted]) {
      const a = await json({ gmsfzh: ZHANG }, h);
      expect(a.status).toBe(503);
      expect(a.body).toEqual({ msg: '数据尚未接入', result_code: '503', data: [] });
    }
    const bad = await json({ gmsfzh: ZHANG.slice(0, 17) + (ZHANG[17] === '0' ? '1' : '0') });
    expect(bad.body).toEqual({ msg: '参数错误：gmsfzh（公民身份号码） 公民身份号码校验位错误', result_code: '400', data: [] });
    const rows = await auditRows();
    expect(rows.map((r) => r.result_code)).toEqual(['503', '503', '400']);
    expect(rows[0].query_key_hash).toBe(queryKeyHash(gw.ctx.config.auditKey, ZHANG));
  });

  it('an interface published without a query declaration has no data path: 503, and no WebService operation', async () => {
    const reg = sampleRegistration({ code: '301010/00009', name: '社会保险待遇信息', interfaces: [{ method: 'getSBDY', name: '社保待遇信息', function: '用于查询社会保险待遇' }] });
    await register(gw.ctx.db, RSJ, reg);
    await publish(gw.ctx.db, OPERATOR, reg.code);
    const a = await postJson(gw.base, 'getSBDY', { gmsfzh: ZHANG }, granted);
    expect(a.status).toBe(503);
    expect(a.body).toEqual({ msg: '数据尚未接入：接口未声明查询参数', result_code: '503', data: [] });
    expect(await wsdl()).not.toContain('getSBDY');
  });

  it('is not callable without a token (401), and an undeclared name is no method (404) once authenticated', async () => {
    const anon = await postJson(gw.base, 'getSBCB', { gmsfzh: ZHANG }, { 'x-purpose': PURPOSE });
    expect(anon.status).toBe(401);
    const none = await postJson(gw.base, 'getNothingHere', { gmsfzh: ZHANG }, granted);
    expect(none.body).toEqual({ msg: '未查询到数据：method 接口方法不存在', result_code: '404', data: [] });
  });

  describe('connected', () => {
    beforeAll(async () => {
      const db = gw.ctx.db;
      const row = (gmsfzh: string, xm: string, cbzt: string, cbrq: string, deleted = false) => ({ gmsfzh, xm, cbzt, cbrq, synced_at: 1, deleted, source_job: 'rsj-sb' });
      await db(TABLE).insert([row(ZHANG, '张三', '1', '20100101'), row(LI, 'Li Lei', '2', '20150601'), row(NOBODY, '王五', '1', '20100101', true)]);
      // a completed full run of an authoritative job is what connects a library (catalog/libraries.ts isConnected)
      await db('sync_jobs').insert({ id: 'rsj-sb', target: TABLE, definition: JSON.stringify({ id: 'rsj-sb' }), enabled: true, created_at: 1, updated_at: 1 });
      await db('sync_runs').insert({ job_id: 'rsj-sb', mode: 'full', status: 'succeeded', started_at: 1, ended_at: 2 });
    });

    it('answers the granted items only, masked as granted, by exact match; a 15-digit number finds its 18-digit record', async () => {
      for (const gmsfzh of [ZHANG, ZHANG15]) {
        const a = await json({ gmsfzh });
        expect(a.status).toBe(200);
        expect(a.body).toEqual({ msg: '操作成功', result_code: '200', data: [{ GMSFZH: ZHANG, XM: '张*', CBZT: '1' }] });
      }
      const byGroup = await json({ xm: '张三', cbrq: '20100101' });
      expect(byGroup.body.data).toEqual([{ GMSFZH: ZHANG, XM: '张*', CBZT: '1' }]);
      // GET with a query string is the same call
      const got = await fetch(`${gw.base}/dprs/api/getSBCB?xm=${encodeURIComponent('张三')}&cbrq=20100101`, { headers: granted });
      expect(await got.json()).toEqual(byGroup.body);
    });

    it('404 未查询到数据 only when connected and no live record matches exactly', async () => {
      for (const params of [{ gmsfzh: NOBODY }, { xm: 'li lei', cbrq: '20150601' }, { xm: 'Li Lei', cbrq: '20150601', cbzt: '1' }, { xm: "' or '1'='1", cbrq: '20100101' }]) {
        const a = await json(params);
        expect(a.body).toEqual({ msg: '未查询到数据', result_code: '404', data: [] });
      }
      expect((await json({ xm: 'Li Lei', cbrq: '20150601', cbzt: '2' })).body.data).toEqual([{ GMSFZH: LI, XM: 'L*****', CBZT: '2' }]);
    });

    it('deny by default: no grant, 403', async () => {
      const a = await json({ gmsfzh: ZHANG }, ungranted);
      expect(a.status).toBe(403);
      expect(a.body.data).toEqual([]);
    });

    it.each([
      [{}, '参数错误：gmsfzh（公民身份号码） 须且只能提供以下一组参数：gmsfzh（公民身份号码），或 xm（姓名） 与 cbrq（参保日期）'],
      [{ gmsfzh: ZHANG, xm: '张三' }, '参数错误：gmsfzh（公民身份号码） 须且只能提供以下一组参数：gmsfzh（公民身份号码），或 xm（姓名） 与 cbrq（参保日期）'],
      [{ xm: '张三' }, '参数错误：gmsfzh（公民身份号码） 须且只能提供以下一组参数：gmsfzh（公民身份号码），或 xm（姓名） 与 cbrq（参保日期）'],
      [{ xm: '张三', cbrq: '2010-01-01' }, '参数错误：cbrq（参保日期） 日期格式应为 YYYYMMDD'],
      [{ xm: '张三', cbrq: '20100230' }, '参数错误：cbrq（参保日期） 不是有效的日期'],
      [{ gmsfzh: ZHANG, cbzt: '9' }, '参数错误：cbzt（参保状态） 取值应为 1 / 2 / 3 之一'],
      [{ gmsfzh: ZHANG, sfzh: ZHANG }, '参数错误：sfzh 不是可识别的字段'],
      [{ gmsfzh: ['x'] }, '参数错误：gmsfzh（公民身份号码） 类型错误，应为字符串'],
      [{ gmsfzh: '' }, '参数错误：gmsfzh（公民身份号码） 不能为空'],
      [{ xm: 'x'.repeat(65), cbrq: '20100101' }, '参数错误：xm（姓名） 长度不能超过64个字符'],
    ])('validates per declaration: %j → 400 naming the parameter and its item', async (params, msg) => {
      const a = await json(params);
      expect(a.status).toBe(400);
      expect(a.body).toEqual({ msg, result_code: '400', data: [] });
    });

    it('is audited like the fixed methods: the subject key is hashed, never stored plain', async () => {
      const before = (await auditRows()).length;
      await json({ gmsfzh: ZHANG15 });
      const rows = await auditRows();
      expect(rows.length).toBe(before + 1);
      const last = rows[rows.length - 1];
      expect(last).toMatchObject({ consumer_id: 'yb-window', interface: 'json', result_code: '200', rows: 1, query_key_hash: queryKeyHash(gw.ctx.config.auditKey, ZHANG) });
      expect(JSON.stringify(rows)).not.toContain(ZHANG);
    });

    it('is rate-limited per consumer and method like the fixed methods', async () => {
      let limited = null;
      for (let i = 0; i < 70 && !limited; i++) {
        const a = await json({ gmsfzh: LI }, ungranted);
        if (a.status === 429) limited = a.body;
      }
      expect(limited).toEqual({ msg: '请求过于频繁：每分钟最多调用 60 次 getSBCB', result_code: '429', data: [] });
    });

    it('over SOAP: the published operation is in the WSDL, and answers the same envelope as JSON', async () => {
      const w = await wsdl();
      expect(w).toContain('<xs:element name="getSBCB">');
      expect(w).toContain('<xs:element name="cbrq" type="xs:string" minOccurs="0"/>');
      expect(w).toContain(`soapAction="${TNS}getSBCB"`);
      for (const params of [{ gmsfzh: ZHANG }, { gmsfzh: NOBODY }, { xm: "张三" }] as Array<Record<string, string>>) {
        const s = await soap('getSBCB', params);
        expect(s.status).toBe(200);
        expect(returned(s.text)).toEqual((await json(params)).body);
      }
      const anon = await soap('getSBCB', { gmsfzh: ZHANG }, {});
      expect(returned(anon.text).result_code).toBe('401');
    });

    it('OpenAPI and the 数据接口说明文档 describe it from its declaration', async () => {
      const doc = (await (await fetch(`${gw.base}/dprs/api/openapi.json`)).json()) as { paths: Record<string, { post: { requestBody: { content: Record<string, { schema: Record<string, unknown> }> } } }> };
      const schema = doc.paths['/dprs/api/getSBCB'].post.requestBody.content['application/json'].schema;
      expect(schema).toMatchObject({ type: 'object', oneOf: [{ required: ['gmsfzh'] }, { required: ['xm', 'cbrq'] }], additionalProperties: false });
      expect(Object.keys(schema.properties as object)).toEqual(['gmsfzh', 'xm', 'cbrq', 'cbzt']);
      const d = (await (await fetch(`${gw.base}/dprs/catalog/interfaces/getSBCB/document`)).json()) as { data: Array<{ rows: Array<{ label: string; value: string }>; request_params: Array<Record<string, string>> }> };
      const document = d.data[0];
      expect(document.request_params.map((p) => p.参数名)).toEqual(['gmsfzh', 'xm', 'cbrq', 'cbzt']);
      expect(document.request_params[0]).toEqual({ 参数名: 'gmsfzh', 参数说明: '公民身份号码', 数据类型: '字符串', 描述及要求: '须且只能提供以下一组：gmsfzh，或 xm 与 cbrq；GB 11643 公民身份号码，18位（15位旧号自动升位）；与信息项 GMSFZH 精确匹配' });
      expect(document.rows.find((r) => r.label === '接口方式')?.value).toBe('WebService（SOAP 1.1）；同时提供 JSON 接口');
    });

    it('a revision that removes an item hides it from answers (its data kept); an added item is answered', async () => {
      const db = gw.ctx.db;
      const items = [...sampleRegistration().items.filter((i) => i.field !== 'CBZT'), { field: 'XZLX', name: '险种类型', data_type: 'C' as const, length: 32, sensitive: false }];
      const query = { ...SBCB.query!, params: SBCB.query!.params.filter((p) => p.name !== 'cbzt') };
      await revise(db, RSJ, CODE, registration({ items, interfaces: [{ ...SBCB, query }] }));
      await publish(db, OPERATOR, CODE);
      await db(TABLE).where({ gmsfzh: ZHANG }).update({ xzlx: '职工养老' });
      await createGrant(db, { consumer_id: 'yb-window', resource_code: CODE, application_id: null, items: ['GMSFZH', 'CBZT', 'XZLX'], masked_items: [], expires_at: null });
      const a = await json({ gmsfzh: ZHANG });
      expect(a.body.data).toEqual([{ GMSFZH: ZHANG, XM: '张*', XZLX: '职工养老' }]);
      expect((await db(TABLE).where({ gmsfzh: ZHANG }).first()).cbzt).toBe('1');
      expect((await json({ gmsfzh: ZHANG, cbzt: '1' })).body.msg).toBe('参数错误：cbzt 不是可识别的字段');
    });

    it('retiring the resource takes the operation out of the WSDL; a call to it is no method', async () => {
      await retire(gw.ctx.db, RSJ, CODE, '测试停用');
      expect(await wsdl()).not.toContain('getSBCB');
      const s = await soap('getSBCB', { gmsfzh: ZHANG });
      expect(s.status).toBe(500);
      expect(s.text).toContain('未知的操作');
      expect((await json({ gmsfzh: ZHANG })).body).toEqual({ msg: '未查询到数据：method 接口方法不存在', result_code: '404', data: [] });
      const doc = (await (await fetch(`${gw.base}/dprs/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
      expect(doc.paths).not.toHaveProperty('/dprs/api/getSBCB');
      expect(doc.paths).toHaveProperty('/dprs/api/getRKZP');
    });
  });
});
