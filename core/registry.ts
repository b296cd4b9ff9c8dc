/**
 * The registry of the domain, as data: the base libraries (人口 / 法人 / 电子证照) with their
 * information items, the lookup methods over them, their verdict codes and the kinds of key
 * the audit records. Migrations, sync targets, the lookup repository, the catalogue's base
 * resources and interface documents all read these facts from here.
 *
 * A library is described in the catalogue's own words (a registration's 信息项: field, name,
 * data_type, length, sensitive, db_type), so that once the catalogue defines libraries the
 * same shape can be read from a published registration instead of this file.
 */

/** 信息项 data types of the 编制指南: 字符 数值 货币 日期 日期时间 逻辑 备注 图形图像 二进制 链接 文件. */
export type DataType = 'C' | 'N' | 'Y' | 'D' | 'T' | 'L' | 'M' | 'G' | 'B' | 'I' | 'F';

/** How a sensitive item is masked (the masking module applies the rule). */
export type MaskKind = 'id-number' | 'name' | 'text';

/**
 * What a query key in the audit log is: a 公民身份号码, a 统一社会信用代码, a 持证主体代码 (either
 * of the two), a 证照编号 or an organisation name. "Who looked me up" searches by these.
 */
export type AuditKeyKind = 'gmsfzh' | 'tyshxydm' | 'czztdm' | 'zzbh' | 'jgmc';
export const AUDIT_KEY_KINDS: readonly AuditKeyKind[] = ['gmsfzh', 'tyshxydm', 'czztdm', 'zzbh', 'jgmc'];

export interface LibraryItem {
  /** the template's field name; the column is its lower-case form */
  field: string;
  name: string;
  data_type: DataType;
  /** characters (C, D) or digits (Y); none for free text (M) */
  length?: number;
  /** a grant may hand it out masked; never shown in logs */
  sensitive: boolean;
  /** the column type in the provider's database, as the 附件3 template writes it */
  db_type: string;
  /** a row without it is rejected */
  required: boolean;
  mask?: MaskKind;
}

export type LibraryName = 'population' | 'legal_entity' | 'licence';

export interface Library {
  /** the table */
  name: LibraryName;
  title: string;
  /** the catalogue resource that publishes it */
  resource_code: string;
  /** the primary key column */
  key: string;
  /** unique columns besides the key, among live rows only (a soft-deleted row holds no value) */
  unique: string[];
  /** non-unique indexes the lookups need, each a column list */
  indexes: string[][];
  /** the kind of key that names the person or company a row is about (the audit subject) */
  subject: AuditKeyKind;
  items: LibraryItem[];
}

type ItemOptions = { required?: boolean; sensitive?: MaskKind; db_type?: string };

function item(field: string, name: string, data_type: DataType, length: number | undefined, o: ItemOptions = {}): LibraryItem {
  return {
    field,
    name,
    data_type,
    ...(length ? { length } : {}),
    sensitive: o.sensitive !== undefined,
    db_type: o.db_type ?? 'VARCHAR2',
    required: o.required ?? false,
    ...(o.sensitive ? { mask: o.sensitive } : {}),
  };
}

const REQUIRED = { required: true };
const NVARCHAR2 = 'NVARCHAR2';

export const LIBRARIES: Readonly<Record<LibraryName, Library>> = {
  population: {
    name: 'population',
    title: '人口基础库',
    resource_code: '101001/00001',
    key: 'rybh',
    unique: ['gmsfzh'],
    indexes: [],
    subject: 'gmsfzh',
    // names and database types as in 附件3's getRKZP template
    items: [
      item('RYBH', '人员编码', 'C', 32, REQUIRED),
      item('GMSFZH', '公民身份证号', 'C', 18, { required: true, sensitive: 'id-number' }),
      item('XM', '姓名', 'C', 64, { required: true, sensitive: 'name', db_type: NVARCHAR2 }),
      item('CSRQ', '出生日期', 'D', 8), // YYYYMMDD
      item('MZ', '民族', 'C', 2), // GB/T 3304
      item('XB', '性别', 'C', 1), // GB/T 2261.1
      item('JG', '籍贯', 'C', 128),
      item('CSD', '出生地', 'C', 256, { sensitive: 'text' }),
      item('HJD', '户籍地', 'C', 256, { sensitive: 'text' }),
    ],
  },
  legal_entity: {
    name: 'legal_entity',
    title: '法人单位基础库',
    resource_code: '102001/00001',
    key: 'tyshxydm',
    unique: [],
    indexes: [['jgmc']],
    subject: 'tyshxydm',
    items: [
      item('TYSHXYDM', '统一社会信用代码', 'C', 18, REQUIRED),
      item('JGMC', '机构名称', 'C', 256, { required: true, db_type: NVARCHAR2 }),
      item('JGLX', '机构类型', 'C', 64),
      item('FDDBR', '法定代表人', 'C', 64, { sensitive: 'name', db_type: NVARCHAR2 }),
      item('ZCZB', '注册资本（元）', 'Y', 20, { db_type: 'NUMBER' }), // whole 元: no floats for money
      item('CLRQ', '成立日期', 'D', 8),
      item('DJJG', '登记机关', 'C', 128),
      item('ZS', '住所', 'C', 256, { db_type: NVARCHAR2 }),
      item('JYFW', '经营范围', 'M', undefined, { db_type: 'CLOB' }),
      item('DJZT', '登记状态', 'C', 16),
    ],
  },
  licence: {
    name: 'licence',
    title: '电子证照库',
    resource_code: '105001/00001',
    key: 'zzbh',
    unique: [],
    indexes: [['czztdm', 'zzlxdm']],
    subject: 'czztdm',
    items: [
      item('ZZBH', '证照编号', 'C', 64, REQUIRED),
      item('ZZMC', '证照名称', 'C', 128, { required: true, db_type: NVARCHAR2 }),
      item('ZZLXDM', '证照类型代码', 'C', 16, REQUIRED), // licensing item code XK001–XK214
      item('CZZT', '持证主体', 'C', 256, { required: true, db_type: NVARCHAR2 }),
      item('CZZTDM', '持证主体代码', 'C', 18, { required: true, sensitive: 'id-number' }),
      item('CZZTDMLX', '持证主体代码类型', 'C', 16, REQUIRED),
      item('ZZBFJG', '证照颁发机构', 'C', 128, { db_type: NVARCHAR2 }),
      item('ZZBFRQ', '证照颁发日期', 'D', 8),
      item('ZZYXQQSRQ', '有效期起始日期', 'D', 8),
      item('ZZYXQJZRQ', '有效期截止日期', 'D', 8), // none: 长期
      item('ZZZT', '证照状态', 'C', 8, REQUIRED),
      item('SXMC', '事项名称', 'C', 256, { db_type: NVARCHAR2 }),
    ],
  },
};

export const LIBRARY_NAMES = Object.keys(LIBRARIES) as LibraryName[];

/** The column that stores an item (of a base library or of any resource's library). */
export function columnOf(i: Pick<LibraryItem, 'field'>): string {
  return i.field.toLowerCase();
}

/** A library's item fields in template (answer) order. */
export function itemFields(lib: LibraryName): string[] {
  return LIBRARIES[lib].items.map((i) => i.field);
}

/** One verdict of a verification method: HYJG and its code HYJGDM. */
export interface Verdict {
  HYJG: string;
  HYJGDM: string;
}

/** 身份核验 (getRKHY, batchRKHY). */
export const PERSON_VERDICTS = {
  MATCH: { HYJG: '一致', HYJGDM: '1' },
  MISMATCH: { HYJG: '不一致', HYJGDM: '2' },
  NO_SUCH_PERSON: { HYJG: '查无此人', HYJGDM: '3' },
} as const satisfies Record<string, Verdict>;

/** 证照核验 (getDZZZHY). */
export const LICENCE_VERDICTS = {
  VALID: { HYJG: '有效', HYJGDM: '1' },
  EXPIRED: { HYJG: '已过期', HYJGDM: '2' },
  CANCELLED: { HYJG: '已注销或吊销', HYJGDM: '3' },
  NO_SUCH_LICENCE: { HYJG: '查无此证', HYJGDM: '4' },
} as const satisfies Record<string, Verdict>;

export type VerdictSet = 'person' | 'licence';

export const VERDICTS: Readonly<Record<VerdictSet, { all: readonly Verdict[]; positive: Verdict; absent: Verdict }>> = {
  person: { all: Object.values(PERSON_VERDICTS), positive: PERSON_VERDICTS.MATCH, absent: PERSON_VERDICTS.NO_SUCH_PERSON },
  licence: { all: Object.values(LICENCE_VERDICTS), positive: LICENCE_VERDICTS.VALID, absent: LICENCE_VERDICTS.NO_SUCH_LICENCE },
};

/** The fields a verification answers with. */
const VERDICT_FIELDS = ['HYJG', 'HYJGDM'] as const;

/** "1 一致 / 2 不一致 / 3 查无此人": the codes as an interface document lists them. */
export function verdictLegend(set: VerdictSet, what: 'code' | 'name' = 'code'): string {
  return VERDICTS[set].all.map((v) => (what === 'code' ? `${v.HYJGDM} ${v.HYJG}` : v.HYJG)).join(' / ');
}

export type Interface = 'json' | 'soap';

export interface LookupSpec {
  name: string;
  /** 资源名称 / 接口名称 of the template */
  title: string;
  library: LibraryName;
  interfaces: readonly Interface[];
  /** request parameters, as the 附件3 template names them */
  params: readonly string[];
  /** a verification answers one verdict of this set instead of records */
  verdicts?: VerdictSet;
  /** a verification's compared items: it is answered only under a grant of these, unmasked */
  compares?: readonly string[];
  /** the kinds of key its audit rows are found by */
  keyKinds: readonly AuditKeyKind[];
}

export const LOOKUPS: Readonly<Record<string, LookupSpec>> = {
  getRKZP: { name: 'getRKZP', title: '人口户籍信息', library: 'population', interfaces: ['json', 'soap'], params: ['xm', 'gmsfzh'], keyKinds: ['gmsfzh'] },
  getRKHY: { name: 'getRKHY', title: '身份核验', library: 'population', interfaces: ['json', 'soap'], params: ['xm', 'gmsfzh'], verdicts: 'person', compares: ['XM', 'GMSFZH'], keyKinds: ['gmsfzh'] },
  batchRKHY: { name: 'batchRKHY', title: '批量身份比对', library: 'population', interfaces: ['json'], params: ['items'], verdicts: 'person', compares: ['XM', 'GMSFZH'], keyKinds: ['gmsfzh'] },
  getFRXX: { name: 'getFRXX', title: '法人单位信息', library: 'legal_entity', interfaces: ['json', 'soap'], params: ['tyshxydm', 'jgmc'], keyKinds: ['tyshxydm', 'jgmc'] },
  getDZZZ: { name: 'getDZZZ', title: '电子证照信息', library: 'licence', interfaces: ['json', 'soap'], params: ['zzbh', 'czztdm', 'zzlxdm'], keyKinds: ['zzbh', 'czztdm'] },
  getDZZZHY: { name: 'getDZZZHY', title: '证照核验', library: 'licence', interfaces: ['json', 'soap'], params: ['zzbh', 'czztdm'], verdicts: 'licence', compares: ['ZZBH', 'CZZTDM'], keyKinds: ['zzbh', 'czztdm'] },
};

/** The lookup method of that name, if there is one (any string may come from a request). */
export function lookupSpec(name: string): LookupSpec | undefined {
  return Object.prototype.hasOwnProperty.call(LOOKUPS, name) ? LOOKUPS[name] : undefined;
}

/** What a method answers: its library's items, or a verdict's fields. */
export function answerFields(spec: LookupSpec): readonly string[] {
  return spec.verdicts ? VERDICT_FIELDS : itemFields(spec.library);
}
