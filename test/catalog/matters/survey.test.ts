/**
 * The 调研表 as a spreadsheet: export, edit in a spreadsheet, import gives the edited list; a
 * file with bad rows is refused whole, each bad cell listed by row and column.
 */
import ExcelJS from 'exceljs';
import { STORAGE_TARGETS } from '../../support/databases';
import { catalogHarness, CatalogHarness } from '../../support/catalog';
import { materialsOf } from '../../../catalog/matters/repository';
import { MAX_SHEET_BYTES, zipUnpackedBytes } from '../../../catalog/matters/sheets';
import { GAJ, GSJ, SYJ } from './support';

describe.each(STORAGE_TARGETS)('调研表 import and export on %s', (target) => {
  let h: CatalogHarness;
  let op: string;
  let gsj: string;
  const upload = (body: Buffer | string, format: 'csv' | 'xlsx', token = op) =>
    fetch(h.url(`/dprs/catalog/matters/import?format=${format}`), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': format === 'csv' ? 'text/csv' : 'application/octet-stream' }, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  const download = async (format: 'csv' | 'xlsx', qs = '') => Buffer.from(await (await fetch(h.url(`/dprs/catalog/matters/export?format=${format}${qs}`))).arrayBuffer());
  const listOf = async (code: string) => (await materialsOf(h.ctx.db, [code])).map((m) => [m.name, m.items.join('、'), m.provider_code, m.usage, m.purpose]);

  beforeAll(async () => {
    h = await catalogHarness(target);
    op = h.token({ sub: 'op', role: 'operator' });
    gsj = h.token({ sub: 'gs', role: 'department', dept: GSJ });
    const add = (code: string, body: object) => h.call('POST', `/dprs/catalog/matters/${code}/materials`, { token: op, body });
    await add('XK137', { name: '身份证明', items: ['姓名', '公民身份证号'], provider: GAJ, usage: '核验', purpose: '核验经营者身份' });
    await add('XK137', { name: '经营场所证明', items: ['不动产权证号', '房屋坐落'], provider: '周村国土资源分局', usage: '查询', purpose: '核对经营场所' });
    await add('XK145', { name: '营业执照', items: ['统一社会信用代码'], provider: '区工商局', usage: '查询', purpose: '核对主体资格' });
  });
  afterAll(() => h.close());

  it('XLSX: export, edit a cell, delete a row, add a row, import', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download('xlsx')) as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).getCell(1).text).toBe('政务服务事项数据共享需求调研表');
    expect(ws.getRow(3).values).toEqual([undefined, '序号', '事项编码', '事项名称', '实施部门', '材料名称', '信息项名称', '提供单位', '使用方式', '使用目的', '办理结果', '共享状态', '替代接口']);
    expect(ws.getRow(4).getCell(2).text).toBe('XK137');
    expect(ws.getRow(4).getCell(11).text).toBe('缺：接口未接入数据、实施部门未获授权');
    ws.getRow(4).getCell(9).value = '核验经营者本人身份'; // 使用目的
    ws.getRow(4).getCell(10).value = '个体工商户营业执照'; // 办理结果
    ws.spliceRows(5, 1); // 经营场所证明 goes
    ws.addRow([4, 'XK137', '', '', '名称核准通知', '名称核准文号', '区工商局', '查询', '核对名称', '']);
    const edited = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await upload(edited, 'xlsx');
    expect(r.body).toEqual({ msg: '操作成功', result_code: '200', data: [{ matters: 2, materials: 3 }] });
    expect(await listOf('XK137')).toEqual([
      ['身份证明', '姓名、公民身份证号', GAJ, '核验', '核验经营者本人身份'],
      ['名称核准通知', '名称核准文号', GSJ, '查询', '核对名称'],
    ]);
    expect((await h.call('GET', '/dprs/catalog/matters/XK137')).body.data[0].result).toBe('个体工商户营业执照');
    expect(await listOf('XK145')).toEqual([['营业执照', '统一社会信用代码', GSJ, '查询', '核对主体资格']]);
  });

  it('CSV: an unedited export imports to the same list; a department exports its own', async () => {
    const before = [await listOf('XK137'), await listOf('XK145')];
    const csv = await download('csv');
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect((await upload(csv, 'csv')).body.data).toEqual([{ matters: 2, materials: 3 }]);
    expect([await listOf('XK137'), await listOf('XK145')]).toEqual(before);
    const own = (await download('csv', `&department=${SYJ}`)).toString('utf8');
    expect(own).toContain('XK145');
    expect(own).not.toContain('XK137');
  });

  it('a file with bad rows is refused whole, every bad cell listed by row and column', async () => {
    const before = [await listOf('XK137'), await listOf('XK145')];
    const csv = [
      '政务服务事项数据共享需求调研表',
      '填报部门：区工商局',
      '序号,事项编码,事项名称,实施部门,材料名称,信息项名称,提供单位,使用方式,使用目的,办理结果',
      '1,XK137,,,身份证明,姓名、公民身份证号,区公安分局,核验,核验身份,', // good
      '2,XK999,,,身份证明,姓名,区公安分局,核验,核验身份,', // unknown 事项
      '3,XK137,食品经营许可,,户口簿,,区外星局,比对,,', // wrong name, no items, unknown provider, bad usage, no purpose
      '4,XK137,,,身份证明,姓名,区公安分局,核验,核验身份,', // duplicate material
      '5,XK145,,,营业执照,统一社会信用代码,区工商局,查询,核对,', // another department's 事项
    ].join('\r\n');
    const r = await upload(csv, 'csv', gsj);
    expect(r.status).toBe(400);
    expect(r.body.data).toEqual([
      { row: 5, column: 'B', header: '事项编码', reason: '事项编码 XK999 不存在' },
      { row: 6, column: 'C', header: '事项名称', reason: '与事项编码 XK137 的名称“个体工商户设立、变更、注销登记”不符' },
      { row: 6, column: 'F', header: '信息项名称', reason: '至少填写 1 个信息项名称' },
      { row: 6, column: 'G', header: '提供单位', reason: '提供单位“区外星局”不是已登记的部门' },
      { row: 6, column: 'H', header: '使用方式', reason: '使用方式应为 查询 / 核验 / 批量比对 之一' },
      { row: 6, column: 'I', header: '使用目的', reason: '使用目的不能为空' },
      { row: 7, column: 'E', header: '材料名称', reason: '事项 XK137 的材料“身份证明”重复' },
      { row: 8, column: 'B', header: '事项编码', reason: '事项 XK145 不由本部门实施' },
    ]);
    expect(r.body.msg).toMatch(/^参数错误：文件有 8 处错误，未导入任何内容：第 5 行 B 列（事项编码）：事项编码 XK999 不存在；/);
    expect([await listOf('XK137'), await listOf('XK145')]).toEqual(before);
  });

  it('refuses what is not a bounded spreadsheet: no header, too large, not a ZIP, a zip bomb, anonymous', async () => {
    expect((await upload('a,b\r\n1,2\r\n', 'csv')).body.data).toEqual([{ row: 1, column: 'A', header: '表头', reason: '找不到表头行（应含“事项编码”“材料名称”等列）' }]);
    const big = await upload(Buffer.alloc(MAX_SHEET_BYTES + 1, 0x61), 'csv');
    expect(big.body.msg).toBe('参数错误：body 请求体过大');
    expect((await upload(Buffer.from('not a zip at all, not at all, no'), 'xlsx')).body.msg).toBe('参数错误：file 不是有效的 XLSX 文件');
    // a central directory claiming 100 MB unpacked is refused before anything is unpacked
    const bomb = zipClaiming(100 * 1024 * 1024);
    expect(zipUnpackedBytes(bomb)).toBe(100 * 1024 * 1024);
    expect((await upload(bomb, 'xlsx')).body.msg).toBe('参数错误：file XLSX 解压后过大');
    expect((await fetch(h.url('/dprs/catalog/matters/import?format=csv'), { method: 'POST', body: 'x' })).status).toBe(401);
    expect((await h.call('GET', '/dprs/catalog/matters/export?format=pdf')).status).toBe(400);
  });
});

/** A ZIP of one empty stored entry whose central directory claims `size` bytes unpacked. */
function zipClaiming(size: number): Buffer {
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(30 + name.length, 16);
  return Buffer.concat([local, name, central, name, end]);
}
