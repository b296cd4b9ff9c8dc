/**
 * The three base resources of the plan (109号): 人口户籍信息 (区公安分局), 法人单位信息
 * (区工商局) and 电子证照信息 (区政务服务中心管理办公室), with their items and interfaces.
 * 人口户籍信息's items and getRKZP's parameters come from the gazette's 附件3 template.
 */
import type { Db } from '../core/db';
import { departmentCodeByName } from './gazette';
import { publish, register } from './lifecycle';
import type { Principal } from './principal';
import type { DataType, InterfaceField, InterfaceParam, Registration, ResourceItem } from './resources';
import { parseInterfaceTemplate } from './template';

const NETWORK = '政务外网（行政服务域）';
const STR = '字符串';

const item = (field: string, name: string, data_type: DataType, length: number | undefined, sensitive: boolean, db_type = 'VARCHAR2'): ResourceItem => ({
  field, name, data_type, ...(length ? { length } : {}), sensitive, db_type,
});

const param = (name: string, description: string, requirement = '', data_type = STR): InterfaceParam => ({ name, description, data_type, requirement });

const VERIFY_FIELDS: InterfaceField[] = [
  { field: 'HYJG', name: '核验结果', db_type: 'VARCHAR2', requirement: '一致 / 不一致 / 查无此人' },
  { field: 'HYJGDM', name: '核验结果代码', db_type: 'VARCHAR2', requirement: '1 一致 / 2 不一致 / 3 查无此人' },
];

/** 人口户籍信息: item names and database types from 附件3; lengths and types from the population library. */
function population(): Registration {
  const tpl = parseInterfaceTemplate();
  const shape: Record<string, { t: DataType; len: number; sensitive: boolean }> = {
    RYBH: { t: 'C', len: 32, sensitive: false },
    GMSFZH: { t: 'C', len: 18, sensitive: true },
    XM: { t: 'C', len: 64, sensitive: true },
    CSRQ: { t: 'D', len: 8, sensitive: false },
    MZ: { t: 'C', len: 2, sensitive: false },
    XB: { t: 'C', len: 1, sensitive: false },
    JG: { t: 'C', len: 128, sensitive: false },
    CSD: { t: 'C', len: 256, sensitive: true },
    HJD: { t: 'C', len: 256, sensitive: true },
  };
  const items = tpl.fields.map((f) => {
    const s = shape[f.field] ?? { t: 'C' as DataType, len: 256, sensitive: false };
    return item(f.field, f.name, s.t, s.len, s.sensitive, f.db_type);
  });
  const rkzpName = tpl.rows.find((r) => r.label === '接口名称')?.value ?? '人口户籍信息';
  const rkzpFunction = tpl.rows.find((r) => r.label === '资源功能')?.value ?? '用于查询人口户籍信息';
  return {
    code: '101001/00001',
    name: tpl.rows.find((r) => r.label === '资源名称')?.value ?? '人口户籍信息',
    category: '基础',
    classification: { lei: '1', xiang: '01', mu: '001' },
    provider_code: departmentCodeByName('区公安分局'),
    summary: '全区户籍人口的身份与户籍信息（人口基础库），通过前置机库表交换全量归集、增量更新，供政务服务事项办理时核验身份、查询户籍。',
    format: '数据库',
    items,
    share_type: '2',
    share_condition: '仅用于政务服务事项办理中的身份核验和户籍信息查询，须经区公安分局审核同意；敏感信息项脱敏提供。',
    share_mode: '接口',
    open_type: '不予开放',
    update_cycle: '实时',
    related_codes: ['105001/00001'],
    interfaces: [
      { method: 'getRKZP', name: rkzpName, function: rkzpFunction, network: NETWORK, params: tpl.params.map((p) => param(p.name, p.description, p.requirement, p.data_type)) },
      {
        method: 'getRKHY', name: '身份核验', function: '用于核验姓名与居民身份证号是否一致，不返回个人信息', network: NETWORK,
        params: [param('xm', '姓名'), param('gmsfzh', '居民身份证号')], fields: VERIFY_FIELDS,
      },
      {
        method: 'batchRKHY', name: '批量身份比对', function: '用于批量核验姓名与居民身份证号是否一致（仅 JSON 接口）', network: NETWORK,
        params: [param('items', '核验列表', '由 {xm, gmsfzh} 组成的列表（1–1000 项），按顺序逐条返回 XH、result_code、msg、HYJG、HYJGDM', '数组')], fields: VERIFY_FIELDS,
      },
    ],
  };
}

function legalEntity(): Registration {
  return {
    code: '102001/00001',
    name: '法人单位信息',
    category: '基础',
    classification: { lei: '1', xiang: '02', mu: '001' },
    provider_code: departmentCodeByName('区工商局'),
    summary: '全区企业等法人单位的登记信息（法人单位基础库），以统一社会信用代码为标识。',
    format: '数据库',
    items: [
      item('TYSHXYDM', '统一社会信用代码', 'C', 18, false),
      item('JGMC', '机构名称', 'C', 256, false, 'NVARCHAR2'),
      item('JGLX', '机构类型', 'C', 64, false),
      item('FDDBR', '法定代表人', 'C', 64, true, 'NVARCHAR2'),
      item('ZCZB', '注册资本（元）', 'Y', 20, false, 'NUMBER'),
      item('CLRQ', '成立日期', 'D', 8, false),
      item('DJJG', '登记机关', 'C', 128, false),
      item('ZS', '住所', 'C', 256, false, 'NVARCHAR2'),
      item('JYFW', '经营范围', 'M', undefined, false, 'CLOB'),
      item('DJZT', '登记状态', 'C', 16, false),
    ],
    share_type: '1',
    share_mode: '接口',
    open_type: '有条件开放',
    open_condition: '登记状态、机构名称等公示信息可向社会开放',
    update_cycle: '实时',
    interfaces: [
      {
        method: 'getFRXX', name: '法人单位信息', function: '用于按统一社会信用代码或机构名称查询法人单位登记信息', network: NETWORK,
        params: [param('tyshxydm', '统一社会信用代码', '18 位，符合 GB 32100；与 jgmc 二选一'), param('jgmc', '机构名称', '精确匹配；与 tyshxydm 二选一')],
      },
    ],
  };
}

function licence(): Registration {
  return {
    code: '105001/00001',
    name: '电子证照信息',
    category: '基础',
    classification: { lei: '1', xiang: '05', mu: '001' },
    provider_code: departmentCodeByName('区政务服务中心管理办公室'),
    summary: '区级行政许可事项（周政字〔2018〕45号附件4，214项）颁发的证照信息（电子证照库）。',
    format: '数据库',
    items: [
      item('ZZBH', '证照编号', 'C', 64, false),
      item('ZZMC', '证照名称', 'C', 128, false, 'NVARCHAR2'),
      item('ZZLXDM', '证照类型代码', 'C', 16, false),
      item('CZZT', '持证主体', 'C', 256, false, 'NVARCHAR2'),
      item('CZZTDM', '持证主体代码', 'C', 18, true),
      item('CZZTDMLX', '持证主体代码类型', 'C', 16, false),
      item('ZZBFJG', '证照颁发机构', 'C', 128, false, 'NVARCHAR2'),
      item('ZZBFRQ', '证照颁发日期', 'D', 8, false),
      item('ZZYXQQSRQ', '有效期起始日期', 'D', 8, false),
      item('ZZYXQJZRQ', '有效期截止日期', 'D', 8, false),
      item('ZZZT', '证照状态', 'C', 8, false),
      item('SXMC', '事项名称', 'C', 256, false, 'NVARCHAR2'),
    ],
    share_type: '1',
    share_mode: '接口',
    open_type: '不予开放',
    update_cycle: '实时',
    related_codes: ['101001/00001', '102001/00001'],
    interfaces: [
      {
        method: 'getDZZZ', name: '电子证照信息', function: '用于按证照编号或持证主体代码查询电子证照', network: NETWORK,
        params: [param('zzbh', '证照编号', '与 czztdm 二选一'), param('czztdm', '持证主体代码', '居民身份证号或统一社会信用代码'), param('zzlxdm', '证照类型代码', '可选，XK001–XK214')],
      },
      {
        method: 'getDZZZHY', name: '证照核验', function: '用于核验证照是否有效', network: NETWORK,
        params: [param('zzbh', '证照编号'), param('czztdm', '持证主体代码')],
        fields: [{ field: 'HYJG', name: '核验结果', db_type: 'VARCHAR2', requirement: '有效 / 已过期 / 已注销或吊销 / 查无此证' }, { field: 'HYJGDM', name: '核验结果代码', db_type: 'VARCHAR2', requirement: '1 有效 / 2 已过期 / 3 已注销或吊销 / 4 查无此证' }],
      },
    ],
  };
}

export function baseResources(): Registration[] {
  return [population(), legalEntity(), licence()];
}

export const BASE_RESOURCE_CODES = ['101001/00001', '102001/00001', '105001/00001'];

const SEEDER: Principal = { role: 'operator', sub: 'seed' };

/** Registers and publishes the base resources that are not there yet. Needs the departments seeded. */
export async function seedBaseResources(db: Db): Promise<number> {
  let added = 0;
  for (const reg of baseResources()) {
    if (await db('resources').where({ code: reg.code }).first('id')) continue;
    await register(db, SEEDER, reg);
    await publish(db, SEEDER, reg.code);
    added++;
  }
  return added;
}
