/**
 * Intra-record rules (多元校核 within one record): items of a library record that must agree
 * with each other. A rule reports the item it doubts, its value, and what the other items
 * imply; it never rejects the record.
 */
import { describeCodePrefix, impliedCodePrefix } from './registration-authorities';

export type LibraryRecord = Record<string, unknown>;

export interface RuleFinding {
  item: string;
  value: string | null;
  /** what the other items imply, e.g. the birth date encoded in the ID number */
  expected: string;
}

export interface RecordRule {
  /** stored as the difference's source: rule:<id> */
  id: string;
  /** shown to people */
  name: string;
  /** the library's table */
  library: string;
  check(record: LibraryRecord): RuleFinding | null;
}

const text = (v: unknown): string => (v == null ? '' : String(v).trim());
const ID18 = /^\d{17}[\dX]$/;

export const RULES: readonly RecordRule[] = [
  {
    id: 'csrq-gmsfzh',
    name: '出生日期与公民身份号码（第7–14位）一致',
    library: 'population',
    check(r) {
      const id = text(r.gmsfzh);
      const csrq = text(r.csrq);
      if (!ID18.test(id) || csrq === '') return null;
      const encoded = id.slice(6, 14);
      return csrq === encoded ? null : { item: 'csrq', value: csrq, expected: encoded };
    },
  },
  {
    id: 'xb-gmsfzh',
    name: '性别与公民身份号码（第17位：奇数男、偶数女）一致',
    library: 'population',
    check(r) {
      const id = text(r.gmsfzh);
      const xb = text(r.xb);
      // 0 未知 and 9 未说明 do not contradict the number
      if (!ID18.test(id) || (xb !== '1' && xb !== '2')) return null;
      const encoded = Number(id[16]) % 2 === 1 ? '1' : '2';
      return xb === encoded ? null : { item: 'xb', value: xb, expected: encoded };
    },
  },
  {
    id: 'licence-validity',
    name: '证照有效期起始日期早于截止日期',
    library: 'licence',
    check(r) {
      const start = text(r.zzyxqqsrq);
      const end = text(r.zzyxqjzrq);
      if (start === '' || end === '') return null; // no end: long-term validity
      return start < end ? null : { item: 'zzyxqjzrq', value: end, expected: `晚于起始日期 ${start}` };
    },
  },
  {
    id: 'uscc-jglx',
    name: '统一社会信用代码的登记管理部门码、机构类别码与机构类型一致',
    library: 'legal_entity',
    check(r) {
      const code = text(r.tyshxydm);
      const type = text(r.jglx);
      const implied = type === '' ? null : impliedCodePrefix(type);
      if (code.length !== 18 || !implied) return null;
      if (code[0] === implied.authority && code[1] === implied.category) return null;
      return { item: 'jglx', value: type, expected: `统一社会信用代码前两位 ${describeCodePrefix(code[0], code[1])}` };
    },
  },
];

export function rulesOf(library: string): readonly RecordRule[] {
  return RULES.filter((r) => r.library === library);
}

export const RULE_SOURCE_PREFIX = 'rule:';

export function ruleByName(source: string): RecordRule | undefined {
  return RULES.find((r) => RULE_SOURCE_PREFIX + r.id === source);
}
