/** The intra-record rules, one record at a time: each flags its inconsistency and nothing else. */
import { RULES, rulesOf } from '../../../adapters/verification/rules';
import { impliedCodePrefix, REGISTRATION_AUTHORITIES } from '../../../adapters/verification/registration-authorities';
import { creditCode, entity, person } from '../../../scripts/demo/records';
import { idCheckChar, usccCheckChar } from '../../../schemas/checksums';

const rule = (id: string) => RULES.find((r) => r.id === id)!;
const lower = (row: object) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v]));

describe('intra-record rules', () => {
  it('find nothing in consistent synthetic records', () => {
    for (let i = 0; i < 2000; i++) {
      for (const r of rulesOf('population')) expect(r.check(lower(person(5, i)))).toBeNull();
      for (const r of rulesOf('legal_entity')) expect(r.check(lower(entity(5, i)))).toBeNull();
    }
  });

  it('compare 出生日期 with digits 7–14 and 性别 with the parity of digit 17', () => {
    const first17 = '37030619350101001'; // 1935-01-01, sequence 001: odd, male
    const gmsfzh = first17 + idCheckChar(first17);
    expect(rule('csrq-gmsfzh').check({ gmsfzh, csrq: '20001231' })).toEqual({ item: 'csrq', value: '20001231', expected: '19350101' });
    expect(rule('csrq-gmsfzh').check({ gmsfzh, csrq: '19350101' })).toBeNull();
    expect(rule('csrq-gmsfzh').check({ gmsfzh, csrq: null })).toBeNull();
    expect(rule('xb-gmsfzh').check({ gmsfzh, xb: '2' })).toEqual({ item: 'xb', value: '2', expected: '1' });
    expect(rule('xb-gmsfzh').check({ gmsfzh, xb: '1' })).toBeNull();
    expect(rule('xb-gmsfzh').check({ gmsfzh, xb: '9' })).toBeNull(); // 未说明 does not contradict
  });

  it('want a licence valid from before it ends', () => {
    const check = rule('licence-validity').check;
    expect(check({ zzyxqqsrq: '20200101', zzyxqjzrq: '20250101' })).toBeNull();
    expect(check({ zzyxqqsrq: '20200101', zzyxqjzrq: null })).toBeNull(); // 长期有效
    expect(check({ zzyxqqsrq: '20250101', zzyxqjzrq: '20200101' })).toMatchObject({ item: 'zzyxqjzrq', value: '20200101' });
    expect(check({ zzyxqqsrq: '20200101', zzyxqjzrq: '20200101' })).toMatchObject({ item: 'zzyxqjzrq' });
  });

  it('compare a credit code’s 登记管理部门码 and 机构类别码 with the 机构类型 (GB 32100)', () => {
    const check = rule('uscc-jglx').check;
    const code = (prefix: string) => {
      const first17 = prefix + creditCode(1, '1').slice(2, 17);
      return first17 + usccCheckChar(first17);
    };
    expect(check({ tyshxydm: code('91'), jglx: '有限责任公司（自然人独资）' })).toBeNull();
    expect(check({ tyshxydm: code('93'), jglx: '农民专业合作社' })).toBeNull();
    expect(check({ tyshxydm: code('92'), jglx: '个体工商户' })).toBeNull();
    expect(check({ tyshxydm: code('51'), jglx: '社会团体' })).toBeNull();
    expect(check({ tyshxydm: code('12'), jglx: '事业单位' })).toBeNull();
    expect(check({ tyshxydm: code('93'), jglx: '有限责任公司（自然人独资）' })).toEqual({ item: 'jglx', value: '有限责任公司（自然人独资）', expected: '统一社会信用代码前两位 93（工商·农民专业合作社）' });
    expect(check({ tyshxydm: code('52'), jglx: '股份有限公司（非上市）' })).toMatchObject({ expected: expect.stringContaining('52（民政·民办非企业单位）') });
    expect(check({ tyshxydm: code('91'), jglx: '其他组织' })).toBeNull(); // too little to judge
  });

  it('map every organisation type they recognise into the GB 32100 table', () => {
    for (const type of ['机关', '事业单位', '社会团体', '民办非企业单位', '基金会', '律师事务所', '公证处', '宗教活动场所', '基层工会', '个体工商户', '农民专业合作社', '有限责任公司', '村级集体经济组织']) {
      const implied = impliedCodePrefix(type)!;
      expect(REGISTRATION_AUTHORITIES[implied.authority].categories[implied.category]).toBeDefined();
    }
  });
});
