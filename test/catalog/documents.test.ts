import { STORAGE_TARGETS } from '../support/databases';
import { catalogHarness, CatalogHarness } from '../support/catalog';
import { parseInterfaceTemplate } from '../../catalog/template';

describe.each(STORAGE_TARGETS)('数据接口说明文档 on %s', (target) => {
  let h: CatalogHarness;
  beforeAll(async () => {
    h = await catalogHarness(target);
    await h.ctx.db('population').insert({
      rybh: 'RY0000000001', gmsfzh: '370306199001011234', xm: '张三丰', csrq: '19900101', mz: '01', xb: '1',
      jg: '山东省淄博市', csd: '山东省淄博市周村区', hjd: '山东省淄博市周村区丝绸路街道', synced_at: 1, deleted: false,
    });
  });
  afterAll(() => h.close());

  it('takes the WebService parameters from the WSDL, and marks JSON-only methods', async () => {
    const doc = async (m: string) => (await h.call('GET', `/dprs/catalog/interfaces/${m}/document?format=json`)).body.data[0];
    const row = (d: { rows: Array<{ label: string; value: string }> }, label: string) => d.rows.find((x) => x.label === label)!.value;
    const dzzz = await doc('getDZZZ');
    expect(dzzz.request_params.map((p: { 参数名: string }) => p.参数名)).toEqual(['zzbh', 'czztdm', 'zzlxdm']);
    expect(row(dzzz, '接口地址')).toMatch(/\/dprs\/webService\/DataService$/);
    const batch = await doc('batchRKHY');
    expect(row(batch, '接口方式')).toBe('JSON 接口（不在 WebService 中提供）');
    expect(row(batch, '接口地址')).toMatch(/\/dprs\/api\/batchRKHY$/);
    expect(batch.request_params.map((p: { 参数名: string }) => p.参数名)).toEqual(['items']);
  });

  it('reproduces the template rows and parameter tables of 附件3 for getRKZP', async () => {
    const tpl = parseInterfaceTemplate();
    const r = await h.call('GET', '/dprs/catalog/interfaces/getRKZP/document?format=json');
    expect(r.status).toBe(200);
    const doc = r.body.data[0];
    expect(doc.rows.map((x: { label: string }) => x.label)).toEqual(tpl.labels);
    expect(tpl.labels).toEqual([
      '填报部门', '资源名称', '资源功能', '政务信息资源接口内容', '接口方式', '接口名称', '接口地址', '方法名', '承载网络',
      '业务请求参数说明', '业务返回参数', '接口 URL 示例', '返回数据格式', '调用方式', '接口返回示例', '备注说明',
    ]);
    const row = (label: string) => doc.rows.find((x: { label: string }) => x.label === label).value;
    expect(row('填报部门')).toBe('区公安分局');
    expect(row('资源名称')).toBe('人口户籍信息');
    expect(row('资源功能')).toBe('用于查询人口户籍信息');
    expect(row('接口名称')).toBe('人口户籍信息');
    expect(row('方法名')).toBe('getRKZP');
    expect(row('承载网络')).toBe('政务外网（行政服务域）');
    expect(row('返回数据格式')).toBe('JSON');
    expect(row('接口 URL 示例')).toContain('/dprs/webService/DataService?wsdl');
    expect(doc.request_params).toEqual([
      { 参数名: 'xm', 参数说明: '姓名', 数据类型: '字符串', 描述及要求: '' },
      { 参数名: 'gmsfzh', 参数说明: '居民身份证号', 数据类型: '字符串', 描述及要求: '' },
    ]);
    expect(doc.response_params.map((p: Record<string, string>) => [p.字段名, p.参数说明, p.数据类型])).toEqual([
      ['RYBH', '人员编码', 'VARCHAR2'], ['GMSFZH', '公民身份证号', 'VARCHAR2'], ['XM', '姓名', 'NVARCHAR2'],
      ['CSRQ', '出生日期', 'VARCHAR2'], ['MZ', '民族', 'VARCHAR2'], ['XB', '性别', 'VARCHAR2'], ['JG', '籍贯', 'VARCHAR2'],
      ['CSD', '出生地', 'VARCHAR2'], ['HJD', '户籍地', 'VARCHAR2'],
    ]);
    // a synthetic record, never the library's, masked as a default grant masks it
    const example = doc.example_response;
    expect(example).toMatchObject({ msg: '操作成功', result_code: '200' });
    expect(Object.keys(example.data[0])).toEqual(['RYBH', 'GMSFZH', 'XM', 'CSRQ', 'MZ', 'XB', 'JG', 'CSD', 'HJD']);
    expect(example.data[0]).toMatchObject({ CSRQ: '********', MZ: '01', JG: '山东省淄博市' });
    expect(example.data[0].RYBH).not.toBe('RY0000000001');
    expect(example.data[0].GMSFZH).toMatch(/^370306\*{8}\d{3}[\dX]$/);
    expect(example.data[0].XM).toBe('王**');
    expect(JSON.parse(row('接口返回示例'))).toEqual(example);
  });

  it('renders the same document as HTML and Markdown, and answers unknown methods with 404', async () => {
    const html = await fetch(h.url('/dprs/catalog/interfaces/getRKZP/document?format=html'));
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const text = await html.text();
    for (const label of parseInterfaceTemplate().labels) expect(text).toContain(`data-label="${label}"`);
    expect(text).toContain('<td>gmsfzh</td><td>居民身份证号</td><td>字符串</td>');
    const md = await (await fetch(h.url('/dprs/catalog/interfaces/getRKZP/document?format=md'))).text();
    expect(md).toContain('| xm | 姓名 | 字符串 |  |');
    expect(md).toContain('| HJD | 户籍地 | VARCHAR2 |  |');
    const missing = await h.call('GET', '/dprs/catalog/interfaces/getNOPE/document');
    expect(missing.status).toBe(404);
    expect(missing.body.msg).toContain('getNOPE');
    expect((await h.call('GET', '/dprs/catalog/interfaces/getRKZP/document?format=pdf')).status).toBe(400);
  });

  it('documents a verification interface with its own result fields', async () => {
    const doc = (await h.call('GET', '/dprs/catalog/interfaces/getRKHY/document')).body.data[0];
    expect(doc.response_params.map((p: Record<string, string>) => p.字段名)).toEqual(['HYJG', 'HYJGDM']);
    expect(doc.example_response.data).toEqual([{ HYJG: '一致', HYJGDM: '1' }]);
  });
});
