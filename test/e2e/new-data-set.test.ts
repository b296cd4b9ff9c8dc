/**
 * A department brings a new data set into the gateway, end to end over HTTP (issue 12), on
 * SQLite and MariaDB: 区民政局 registers 婚姻登记信息 with its items, library key and a lookup
 * getHYDJ declared by 公民身份号码; the operator publishes; before any sync the method answers
 * 503 数据尚未接入 and listMethods says 待接入; an authoritative job from the department's
 * front-end table is defined and run; a consumer applies, 区民政局 approves, and the consumer
 * gets the record over JSON and over SOAP through a WSDL that an independent client (zeep)
 * re-reads; the interface document and OpenAPI show the method; a revision adds an item, the
 * job maps it, and the data follows into the answer.
 */
import type { Knex } from 'knex';
import { addConsumer } from '../../catalog/consumers';
import { signToken } from '../../core/jwt';
import { microsTimeColumn } from '../../core/dialect';
import { idCheckChar } from '../../schemas/checksums';
import { sourceTime } from '../../scripts/demo/records';
import type { Registration } from '../../catalog/resources';
import { freshDatabase, STORAGE_TARGETS, TestDatabase } from '../support/databases';
import { testGateway, TestGateway } from '../support/gateway';
import { callWithZeep, freePort, zeepSuiteRuns } from '../support/zeep';


const CODE = '301008/00001';
const SOURCE_TABLE = 'MZ_HYDJ';
const PURPOSE = encodeURIComponent('办理公租房申请时核实婚姻状况');
const T0 = Date.UTC(2026, 2, 1);

const idNumber = (first17: string) => first17 + idCheckChar(first17);
const PEOPLE = [
  { GMSFZH: idNumber('37030619850301002'), XM: '赵敏', HYZK: '20', DJRQ: '20100501', POXM: '钱进' },
  { GMSFZH: idNumber('37030619900712003'), XM: '孙丽', HYZK: '10', DJRQ: null, POXM: null },
  { GMSFZH: idNumber('37030619780101004'), XM: '周强', HYZK: '40', DJRQ: '20191111', POXM: null },
];
const NOT_REGISTERED = idNumber('37030619990909005');

function registration(extraItems: Registration['items'] = []): Registration {
  return {
    code: CODE,
    name: '婚姻登记信息',
    category: '部门',
    classification: { lei: '3', xiang: '01', mu: '008' },
    provider_code: 'ZC008',
    summary: '全区婚姻登记的当前婚姻状况与登记日期（合成数据）。',
    format: '数据库',
    items: [
      { field: 'GMSFZH', name: '公民身份号码', data_type: 'C', length: 18, sensitive: true },
      { field: 'XM', name: '姓名', data_type: 'C', length: 64, sensitive: true },
      { field: 'HYZK', name: '婚姻状况', data_type: 'C', length: 2, sensitive: false, description: 'GB/T 2261.2：10 未婚 / 20 已婚 / 30 丧偶 / 40 离婚' },
      { field: 'DJRQ', name: '登记日期', data_type: 'D', length: 8, sensitive: false },
      ...extraItems,
    ],
    library: { key: ['GMSFZH'], required: ['XM', 'HYZK'] },
    share_type: '2',
    share_condition: '仅用于办理政务服务事项时核实婚姻状况，须经区民政局审核同意。',
    share_mode: '接口',
    open_type: '不予开放',
    update_cycle: '每日',
    interfaces: [
      {
        method: 'getHYDJ',
        name: '婚姻登记信息查询',
        function: '按公民身份号码查询婚姻状况',
        query: { params: [{ name: 'gmsfzh', item: 'GMSFZH', match: 'exact', required: true, check: '公民身份号码' }] },
      },
    ],
  };
}

const suite = zeepSuiteRuns ? describe.each(STORAGE_TARGETS) : describe.skip.each(STORAGE_TARGETS);

suite('a department brings a new data set into the gateway on %s', (target) => {
  let gw: TestGateway;
  let frontEnd: TestDatabase;
  let src: Knex;
  let base: string;
  let tokens: { department: string; operator: string };
  let consumerToken: string;

  /** a catalogue or admin call with a bearer token, answering the envelope */
  async function api(method: string, p: string, token: string | null, body?: unknown): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  }
  async function lookup(params: unknown): Promise<{ status: number; body: any }> {
    const r = await fetch(`${base}/dprs/api/getHYDJ`, {
      method: 'POST',
      headers: { authorization: `Bearer ${consumerToken}`, 'x-purpose': PURPOSE, 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
    return { status: r.status, body: await r.json() };
  }
  const methodState = async () => ((await api('GET', '/dprs/catalog/listMethods', null)).body.data as Array<{ method: string; state: string }>).find((m) => m.method === 'getHYDJ');

  /** defines (or redefines) the authoritative job through the operator API and runs it in full to completion */
  async function defineAndRun(columns: Record<string, string>): Promise<void> {
    const job = {
      description: '区民政局 婚姻登记信息 → 资源库',
      department: 'ZC008',
      source: { client: 'better-sqlite3', connection: { filename: frontEnd.url }, table: SOURCE_TABLE },
      target: `resource:${CODE}`,
      key: 'GMSFZH',
      updateTime: 'GXSJ',
      deleteFlag: { column: 'SCBZ', value: 1 },
      columns,
    };
    const saved = await api('PUT', '/dprs/admin/sync/jobs/mz-hydj', tokens.operator, job);
    expect(saved.body).toMatchObject({ result_code: '200' });
    const runsBefore = Number((await gw.ctx.db('sync_runs').where({ job_id: 'mz-hydj', status: 'succeeded' }).count({ n: '*' }))[0].n);
    expect((await api('POST', '/dprs/admin/sync/jobs/mz-hydj/runs?mode=full', tokens.operator)).body.result_code).toBe('200');
    for (let i = 0; i < 200; i++) {
      const done = await gw.ctx.db('sync_runs').where({ job_id: 'mz-hydj' }).orderBy('id', 'desc').first('status');
      const succeeded = Number((await gw.ctx.db('sync_runs').where({ job_id: 'mz-hydj', status: 'succeeded' }).count({ n: '*' }))[0].n);
      if (succeeded > runsBefore) return;
      if (done?.status === 'failed') throw new Error('the sync run failed');
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the sync run did not finish');
  }

  beforeAll(async () => {
    // the WSDL's soap:address must be where zeep can reach the service
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    gw = await testGateway(target, { env: { PUBLIC_URL: base }, port });
    tokens = {
      department: signToken(gw.ctx.config, { sub: 'mz-officer', role: 'department', dept: 'ZC008' }, 600),
      operator: signToken(gw.ctx.config, { sub: 'dz-operator', role: 'operator' }, 600),
    };
    // 区民政局's front-end database (前置机), its own SQLite file whatever the gateway's store
    frontEnd = await freshDatabase('sqlite', { migrate: false });
    src = frontEnd.db;
    await src.schema.createTable(SOURCE_TABLE, (t) => {
      t.string('GMSFZH', 18).primary();
      t.string('XM', 64).notNullable();
      t.string('HYZK', 2).notNullable();
      t.string('DJRQ', 8);
      t.string('POXM', 64);
      microsTimeColumn(src, t, 'GXSJ').notNullable();
      t.integer('SCBZ').notNullable().defaultTo(0);
    });
    await src(SOURCE_TABLE).insert(PEOPLE.map((p, i) => ({ ...p, GXSJ: sourceTime(T0 + i * 1000), SCBZ: 0 })));
    // 一网通办窗口: a registered system with client credentials
    await addConsumer(gw.ctx.db, { id: 'ywtb-window', name: '一网通办窗口', methods: [], secret: 'ywtb-window-secret-0123456789' });
    const issued = await fetch(`${base}/dprs/api/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'ywtb-window', client_secret: 'ywtb-window-secret-0123456789' }),
    });
    consumerToken = ((await issued.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await gw?.close();
    await frontEnd?.drop();
  });

  it('the department registers, the operator publishes: 待接入, and a call answers 503 数据尚未接入, never 404', async () => {
    const registered = await api('POST', '/dprs/catalog/resources', tokens.department, registration());
    expect(registered.body.result_code).toBe('200');
    expect((await api('POST', `/dprs/catalog/resources/${CODE}/publish`, tokens.operator)).body.result_code).toBe('200');
    expect(await methodState()).toMatchObject({ method: 'getHYDJ', state: '待接入', resource_code: CODE });
    const early = await lookup({ gmsfzh: PEOPLE[0].GMSFZH });
    expect(early).toEqual({ status: 503, body: { msg: '数据尚未接入', result_code: '503', data: [] } });
    // the check still runs first: a malformed number is a 400 naming the parameter and its item
    const bad = await lookup({ gmsfzh: PEOPLE[0].GMSFZH.slice(0, 17) + (PEOPLE[0].GMSFZH[17] === '1' ? '2' : '1') });
    expect(bad.body).toEqual({ msg: '参数错误：gmsfzh（公民身份号码） 公民身份号码校验位错误', result_code: '400', data: [] });
  });

  it('an authoritative job is defined and run: 已接入; without a grant the consumer is refused', async () => {
    await defineAndRun({ GMSFZH: 'gmsfzh', XM: 'xm', HYZK: 'hyzk', DJRQ: 'djrq' });
    expect(await methodState()).toMatchObject({ state: '已接入' });
    expect((await lookup({ gmsfzh: PEOPLE[0].GMSFZH })).status).toBe(403);
  });

  it('the consumer applies, 区民政局 approves, and the record is answered over JSON, masked as granted', async () => {
    const applied = await api('POST', '/dprs/catalog/applications', consumerToken, {
      resource_code: CODE, items: ['GMSFZH', 'XM', 'HYZK', 'DJRQ'], scenario: '办理公租房申请时核实婚姻状况', frequency: '实时', system_name: '一网通办窗口',
    });
    expect(applied.body.data[0].status).toBe('pending');
    const decided = await api('POST', `/dprs/catalog/applications/${applied.body.data[0].id}/decision`, tokens.department, { approve: true, masked_items: ['XM'] });
    expect(decided.body.data[0]).toMatchObject({ status: 'approved' });
    const a = await lookup({ gmsfzh: PEOPLE[0].GMSFZH });
    expect(a).toEqual({ status: 200, body: { msg: '操作成功', result_code: '200', data: [{ GMSFZH: PEOPLE[0].GMSFZH, XM: '赵*', HYZK: '20', DJRQ: '20100501' }] } });
    expect((await lookup({ gmsfzh: NOT_REGISTERED })).body).toEqual({ msg: '未查询到数据', result_code: '404', data: [] });
  });

  it('zeep re-reads the WSDL and calls the newly published operation; its envelopes equal the JSON ones', async () => {
    const wsdl = await (await fetch(`${base}/dprs/webService/DataService?wsdl`)).text();
    expect(wsdl).toContain('<wsdl:operation name="getHYDJ">');
    const calls = [{ op: 'getHYDJ', params: { gmsfzh: PEOPLE[0].GMSFZH } }, { op: 'getHYDJ', params: { gmsfzh: PEOPLE[1].GMSFZH } }, { op: 'getHYDJ', params: { gmsfzh: NOT_REGISTERED } }];
    const answers = await callWithZeep(`${base}/dprs/webService/DataService?wsdl`, { token: consumerToken, purpose: PURPOSE, calls });
    expect(answers.map((a) => a.envelope.result_code)).toEqual(['200', '200', '404']);
    for (let i = 0; i < calls.length; i++) expect(answers[i].envelope).toEqual((await lookup(calls[i].params)).body);
    expect(answers[1].envelope.data).toEqual([{ GMSFZH: PEOPLE[1].GMSFZH, XM: '孙*', HYZK: '10', DJRQ: null }]);
  });

  it('the 数据接口说明文档 and OpenAPI show the method from its declaration', async () => {
    const doc = (await api('GET', '/dprs/catalog/interfaces/getHYDJ/document', null)).body.data[0];
    expect(doc.request_params).toEqual([{ 参数名: 'gmsfzh', 参数说明: '公民身份号码', 数据类型: '字符串', 描述及要求: '必填；GB 11643 公民身份号码，18位（15位旧号自动升位）；与信息项 GMSFZH 精确匹配' }]);
    expect(doc.response_params.map((p: { 字段名: string }) => p.字段名)).toEqual(['GMSFZH', 'XM', 'HYZK', 'DJRQ']);
    expect(doc.rows.find((r: { label: string }) => r.label === '接口地址').value).toBe(`${base}/dprs/webService/DataService`);
    const openapi = (await (await fetch(`${base}/dprs/api/openapi.json`)).json()) as { paths: Record<string, any> };
    const op = openapi.paths['/dprs/api/getHYDJ'];
    expect(op.post.summary).toBe('婚姻登记信息查询 getHYDJ');
    expect(op.post.requestBody.content['application/json'].schema).toMatchObject({ required: ['gmsfzh'], properties: { gmsfzh: { type: 'string', maxLength: 18 } } });
    expect(op.get.parameters.map((p: { name: string }) => p.name)).toContain('gmsfzh');
  });

  it('a revision adds an item; the job maps it, and the data follows into the library and the answer', async () => {
    const withSpouse = registration([{ field: 'POXM', name: '配偶姓名', data_type: 'C', length: 64, sensitive: true }]);
    expect((await api('POST', `/dprs/catalog/resources/${CODE}/revise`, tokens.department, withSpouse)).body.result_code).toBe('200');
    expect((await api('POST', `/dprs/catalog/resources/${CODE}/publish`, tokens.operator)).body.result_code).toBe('200');
    await defineAndRun({ GMSFZH: 'gmsfzh', XM: 'xm', HYZK: 'hyzk', DJRQ: 'djrq', POXM: 'poxm' });
    const stored = await gw.ctx.db(`lib_${CODE.replace('/', '_')}`).where({ gmsfzh: PEOPLE[0].GMSFZH }).first('poxm');
    expect(stored.poxm).toBe('钱进');
    // the first grant did not cover the new item: it is not answered until granted
    expect((await lookup({ gmsfzh: PEOPLE[0].GMSFZH })).body.data[0]).not.toHaveProperty('POXM');
    const applied = await api('POST', '/dprs/catalog/applications', consumerToken, {
      resource_code: CODE, items: ['GMSFZH', 'HYZK', 'POXM'], scenario: '办理公租房申请时核实配偶', frequency: '实时', system_name: '一网通办窗口',
    });
    await api('POST', `/dprs/catalog/applications/${applied.body.data[0].id}/decision`, tokens.department, { approve: true });
    const a = await lookup({ gmsfzh: PEOPLE[0].GMSFZH });
    expect(a.body.data).toEqual([{ GMSFZH: PEOPLE[0].GMSFZH, XM: '赵*', HYZK: '20', DJRQ: '20100501', POXM: '**' }]); // text masking keeps first and last character: a two-character name shows neither
    const doc = (await api('GET', '/dprs/catalog/interfaces/getHYDJ/document', null)).body.data[0];
    expect(doc.response_params.map((p: { 字段名: string }) => p.字段名)).toEqual(['GMSFZH', 'XM', 'HYZK', 'DJRQ', 'POXM']);
    const soapAgain = await callWithZeep(`${base}/dprs/webService/DataService?wsdl`, { token: consumerToken, purpose: PURPOSE, calls: [{ op: 'getHYDJ', params: { gmsfzh: PEOPLE[0].GMSFZH } }] });
    expect(soapAgain[0].envelope).toEqual(a.body);
  });
});
