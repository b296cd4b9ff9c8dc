/**
 * The three base resources of the plan (109号): 人口户籍信息 (区公安分局), 法人单位信息
 * (区工商局) and 电子证照信息 (区政务服务中心管理办公室), with their items and interfaces.
 * Their items are the base libraries of core/registry.ts; getRKZP's parameters and the
 * resource's name come from the gazette's 附件3 template.
 */
import type { Db } from '../core/db';
import { departmentCodeByName } from './gazette';
import { publish, register } from './lifecycle';
import type { Principal } from './principal';
import { resourceExists } from './resources';
import type { InterfaceField, InterfaceParam, LibraryDeclaration, Registration, ResourceItem } from './resources';
import { LibraryName, LIBRARIES, LOOKUPS, VerdictSet, verdictLegend } from '../core/registry';
import { parseInterfaceTemplate } from './template';
import { baseLibrary } from './libraries';

const NETWORK = '政务外网（行政服务域）';
const STR = '字符串';

/** A base library's key, unique and required items as a registration declares them. */
function libraryOf(lib: LibraryName): LibraryDeclaration {
  const { key, unique, required } = baseLibrary(lib);
  return { key, unique, required };
}

/** A library's items as a registration lists them. */
function itemsOf(lib: LibraryName): ResourceItem[] {
  return LIBRARIES[lib].items.map(({ field, name, data_type, length, sensitive, db_type }) => ({ field, name, data_type, ...(length ? { length } : {}), sensitive, db_type }));
}

const param = (name: string, description: string, requirement = '', data_type = STR): InterfaceParam => ({ name, description, data_type, requirement });

/** The answer of a verification method: its verdict and the verdict's code. */
function verdictFields(set: VerdictSet): InterfaceField[] {
  return [
    { field: 'HYJG', name: '核验结果', db_type: 'VARCHAR2', requirement: verdictLegend(set, 'name') },
    { field: 'HYJGDM', name: '核验结果代码', db_type: 'VARCHAR2', requirement: verdictLegend(set) },
  ];
}

/** 人口户籍信息: the name, function and getRKZP's parameters from 附件3. */
function population(): Registration {
  const tpl = parseInterfaceTemplate();
  const rkzpName = tpl.rows.find((r) => r.label === '接口名称')?.value ?? '人口户籍信息';
  const rkzpFunction = tpl.rows.find((r) => r.label === '资源功能')?.value ?? '用于查询人口户籍信息';
  return {
    code: LIBRARIES.population.resource_code,
    name: tpl.rows.find((r) => r.label === '资源名称')?.value ?? '人口户籍信息',
    category: '基础',
    classification: { lei: '1', xiang: '01', mu: '001' },
    provider_code: departmentCodeByName('区公安分局'),
    summary: '全区户籍人口的身份与户籍信息（人口基础库），通过前置机库表交换全量归集、增量更新，供政务服务事项办理时核验身份、查询户籍。',
    format: '数据库',
    items: itemsOf('population'),
    library: libraryOf('population'),
    share_type: '2',
    share_condition: '仅用于政务服务事项办理中的身份核验和户籍信息查询，须经区公安分局审核同意；敏感信息项脱敏提供。',
    share_mode: '接口',
    open_type: '不予开放',
    update_cycle: '实时',
    related_codes: [LIBRARIES.licence.resource_code],
    interfaces: [
      { method: 'getRKZP', name: rkzpName, function: rkzpFunction, network: NETWORK, params: tpl.params.map((p) => param(p.name, p.description, p.requirement, p.data_type)) },
      {
        method: 'getRKHY', name: LOOKUPS.getRKHY.title, function: '用于核验姓名与居民身份证号是否一致，不返回个人信息', network: NETWORK,
        params: [param('xm', '姓名'), param('gmsfzh', '居民身份证号')], fields: verdictFields('person'),
      },
      {
        method: 'batchRKHY', name: LOOKUPS.batchRKHY.title, function: '用于批量核验姓名与居民身份证号是否一致（仅 JSON 接口）', network: NETWORK,
        params: [param('items', '核验列表', '由 {xm, gmsfzh} 组成的列表（1–1000 项），按顺序逐条返回 XH、result_code、msg、HYJG、HYJGDM', '数组')], fields: verdictFields('person'),
      },
    ],
  };
}

function legalEntity(): Registration {
  return {
    code: LIBRARIES.legal_entity.resource_code,
    name: '法人单位信息',
    category: '基础',
    classification: { lei: '1', xiang: '02', mu: '001' },
    provider_code: departmentCodeByName('区工商局'),
    summary: '全区企业等法人单位的登记信息（法人单位基础库），以统一社会信用代码为标识。',
    format: '数据库',
    items: itemsOf('legal_entity'),
    library: libraryOf('legal_entity'),
    share_type: '1',
    share_mode: '接口',
    open_type: '有条件开放',
    open_condition: '登记状态、机构名称等公示信息可向社会开放',
    update_cycle: '实时',
    interfaces: [
      {
        method: 'getFRXX', name: LOOKUPS.getFRXX.title, function: '用于按统一社会信用代码或机构名称查询法人单位登记信息', network: NETWORK,
        params: [param('tyshxydm', '统一社会信用代码', '18 位，符合 GB 32100；与 jgmc 二选一'), param('jgmc', '机构名称', '精确匹配；与 tyshxydm 二选一')],
      },
    ],
  };
}

function licence(): Registration {
  return {
    code: LIBRARIES.licence.resource_code,
    name: '电子证照信息',
    category: '基础',
    classification: { lei: '1', xiang: '05', mu: '001' },
    provider_code: departmentCodeByName('区政务服务中心管理办公室'),
    summary: '区级行政许可事项（周政字〔2018〕45号附件4，214项）颁发的证照信息（电子证照库）。',
    format: '数据库',
    items: itemsOf('licence'),
    library: libraryOf('licence'),
    share_type: '1',
    share_mode: '接口',
    open_type: '不予开放',
    update_cycle: '实时',
    related_codes: [LIBRARIES.population.resource_code, LIBRARIES.legal_entity.resource_code],
    interfaces: [
      {
        method: 'getDZZZ', name: LOOKUPS.getDZZZ.title, function: '用于按证照编号或持证主体代码查询电子证照', network: NETWORK,
        params: [param('zzbh', '证照编号', '与 czztdm 二选一'), param('czztdm', '持证主体代码', '居民身份证号或统一社会信用代码'), param('zzlxdm', '证照类型代码', '可选，XK001–XK214')],
      },
      {
        method: 'getDZZZHY', name: LOOKUPS.getDZZZHY.title, function: '用于核验证照是否有效', network: NETWORK,
        params: [param('zzbh', '证照编号'), param('czztdm', '持证主体代码')],
        fields: verdictFields('licence'),
      },
    ],
  };
}

export function baseResources(): Registration[] {
  return [population(), legalEntity(), licence()];
}

export const BASE_RESOURCE_CODES = Object.values(LIBRARIES).map((lib) => lib.resource_code);

const SEEDER: Principal = { role: 'operator', sub: 'seed' };

/** Registers and publishes the base resources that are not there yet. Needs the departments seeded. */
export async function seedBaseResources(db: Db): Promise<number> {
  let added = 0;
  for (const reg of baseResources()) {
    if (await resourceExists(db, reg.code)) continue;
    await register(db, SEEDER, reg);
    await publish(db, SEEDER, reg.code);
    added++;
  }
  return added;
}
