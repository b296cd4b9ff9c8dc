/** Pure parts of the 事项 module: the purpose syntax, the method a 使用方式 picks, the file helpers. */
import { coverageOf, CoverageFacts } from '../../../catalog/matters/coverage';
import { splitItems } from '../../../catalog/matters/rules';
import { columnLetter, readSheet } from '../../../catalog/matters/sheets';
import { matterCodeOf } from '../../../gateway/matter-purpose';
import { sampleRegistration } from '../../support/catalog';

describe('X-Purpose syntax', () => {
  it.each([
    ['XK137', 'XK137'],
    ['XK137|张某申请设立登记', 'XK137'],
    [' GG001 | 说明', 'GG001'],
    ['XK137|a|b', 'XK137'],
    ['办理营业执照', null],
    ['办理|营业执照', null],
    ['xk137', null], // codes are capitals
    ['TEST', null], // a code has a digit
    ['137', null],
    ['XK137 说明', null], // the bar separates the code
  ])('%s → %s', (text, code) => expect(matterCodeOf(text)).toBe(code));
});

describe('the method a 使用方式 picks', () => {
  const reg = sampleRegistration({
    interfaces: [
      { method: 'getSBCB', name: '参保查询', function: '查询' },
      { method: 'getSBHY', name: '参保核验', function: '核验', fields: [{ field: 'HYJG', name: '核验结果', db_type: 'VARCHAR2' }] },
      { method: 'batchSBHY', name: '批量参保核验', function: '批量', fields: [{ field: 'HYJG', name: '核验结果', db_type: 'VARCHAR2' }] },
    ],
  });
  const facts = (connected: string[]): CoverageFacts => ({ resources: [reg], connected: (m) => connected.includes(m), grantedItems: new Map([['ZC021', new Map([[reg.code, new Set(['XM', 'GMSFZH'])]])]]) });
  const material = (usage: '查询' | '核验' | '批量比对') => ({ items: ['姓名', 'gmsfzh'], usage, provider_code: 'ZC010' });

  it('prefers the method of the usage, and a connected one', () => {
    const all = ['getSBCB', 'getSBHY', 'batchSBHY'];
    expect(coverageOf(material('查询'), 'ZC021', facts(all)).method).toBe('getSBCB');
    expect(coverageOf(material('核验'), 'ZC021', facts(all)).method).toBe('getSBHY');
    expect(coverageOf(material('批量比对'), 'ZC021', facts(all)).method).toBe('batchSBHY');
    // a query stands in for a verification when only it is connected
    expect(coverageOf(material('核验'), 'ZC021', facts(['getSBCB']))).toMatchObject({ exempt: true, method: 'getSBCB' });
    expect(coverageOf(material('核验'), 'ZC021', facts([]))).toMatchObject({ exempt: false, missing: ['not_connected'], method: 'getSBHY' });
  });

  it('the grant is the 事项 department\'s, and a resource without interfaces has no method', () => {
    expect(coverageOf(material('查询'), 'ZC023', facts(['getSBCB'])).missing).toEqual(['no_grant']);
    const bare = { ...facts(['getSBCB']), resources: [{ ...reg, interfaces: [] }] };
    expect(coverageOf(material('查询'), 'ZC021', bare).missing).toEqual(['no_method']);
    expect(coverageOf({ ...material('查询'), items: ['婚姻状况'] }, 'ZC021', facts(['getSBCB']))).toMatchObject({ missing: ['no_resource'], resource_code: null });
  });
});

describe('spreadsheet helpers', () => {
  it('splits items on the usual separators', () => {
    expect(splitItems('姓名、公民身份证号，户籍地;住址；电话\n邮编, ')).toEqual(['姓名', '公民身份证号', '户籍地', '住址', '电话', '邮编']);
  });
  it('names columns like a spreadsheet', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnLetter)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
  });
  it('reads a CSV with a BOM and gives an exported formula guard back as typed', async () => {
    const rows = await readSheet(Buffer.from('\ufeff事项编码,材料名称\r\nXK137,"\'=1+1"\r\n'), 'csv');
    expect(rows).toEqual([['事项编码', '材料名称'], ['XK137', '=1+1']]);
    await expect(readSheet(Buffer.from('a,"b\r\n'), 'csv')).rejects.toThrow('CSV 格式错误');
    // Excel on a Chinese Windows saves CSV as GB18030: 事项编码,材料名称
    const gbk = Buffer.from([0xca, 0xc2, 0xcf, 0xee, 0xb1, 0xe0, 0xc2, 0xeb, 0x2c, 0xb2, 0xc4, 0xc1, 0xcf, 0xc3, 0xfb, 0xb3, 0xc6]);
    expect(await readSheet(gbk, 'csv')).toEqual([['事项编码', '材料名称']]);
    await expect(readSheet(Buffer.alloc(0), 'csv')).rejects.toThrow('文件为空');
    await expect(readSheet(Buffer.from('a\n'.repeat(5002)), 'csv')).rejects.toThrow('不能超过 5000 行');
  });
});
