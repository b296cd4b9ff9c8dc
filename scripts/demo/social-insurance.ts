/**
 * 区人社局's demo data set, brought into the gateway the way any department's is: a resource
 * 社会保险参保信息 registered with its items, library key and method getSBCB (a lookup by 公民身份号码
 * declared in the registration), published (which
 * creates its library), and a sync job from its own front-end table RS_SBCB. The table holds
 * every third person of the 公安 table (synthetic), so it also fits a front-end database built
 * before it existed.
 */
import type { Knex } from 'knex';
import type { Db } from '../../core/db';
import { microsTimeColumn } from '../../core/dialect';
import type { JobDefinition } from '../../adapters/sync/jobs';
import { RESOURCE_TARGET_PREFIX } from '../../adapters/sync/targets';
import { departmentCodeByName } from '../../catalog/gazette';
import { publish, register } from '../../catalog/lifecycle';
import type { Principal } from '../../catalog/principal';
import { Registration, resourceExists } from '../../catalog/resources';
import { FRONTEND_TABLES } from './frontend';

export const SOCIAL_INSURANCE_TABLE = 'RS_SBCB';
export const SOCIAL_INSURANCE_CODE = '301010/00002';

const EVERY = 3;
const AT_MOST = 5000;
/** 参保状态 */
const STATES = ['1', '1', '1', '2', '3'] as const; // 1 参保缴费 2 暂停缴费 3 终止参保
const KINDS = ['职工基本养老保险', '城乡居民基本养老保险', '职工基本医疗保险', '城乡居民基本医疗保险', '失业保险', '工伤保险'];
const EMPLOYERS = ['周村区人民医院', '山东周村古商城旅游发展有限公司', '周村区城市建设服务中心', '淄博周村纺织有限公司', '周村区第一中学', '个体参保'];

export interface SocialInsuranceRow {
  GMSFZH: string;
  XM: string;
  CBZT: string;
  XZLX: string;
  CBRQ: string;
  DWMC: string;
  GXSJ: string;
  SCBZ: number;
}

/** The 人社 record of the n-th person it holds (deterministic, synthetic). */
export function socialInsuranceRecord(p: { GMSFZH: string; XM: string; CSRQ: string | null; GXSJ: string }, n: number): SocialInsuranceRow {
  const adult = Number((p.CSRQ ?? '19900101').slice(0, 4)) + 18;
  const since = Math.min(2025, Math.max(1995, adult + (n % 7)));
  return {
    GMSFZH: p.GMSFZH,
    XM: p.XM,
    CBZT: STATES[n % STATES.length],
    XZLX: KINDS[n % KINDS.length],
    CBRQ: `${since}${String(1 + (n % 12)).padStart(2, '0')}01`,
    DWMC: EMPLOYERS[n % EMPLOYERS.length],
    GXSJ: p.GXSJ,
    SCBZ: 0,
  };
}

export async function createSocialInsuranceTable(db: Knex): Promise<void> {
  await db.schema.createTable(SOCIAL_INSURANCE_TABLE, (t) => {
    t.string('GMSFZH', 18).primary();
    t.string('XM', 64).notNullable();
    t.string('CBZT', 2).notNullable();
    t.string('XZLX', 32).notNullable();
    t.string('CBRQ', 8);
    t.string('DWMC', 256);
    microsTimeColumn(db, t, 'GXSJ').notNullable();
    t.integer('SCBZ').notNullable().defaultTo(0);
  });
}

/** Fills RS_SBCB from the people in the 公安 table. */
export async function fillSocialInsurance(db: Knex): Promise<number> {
  const people = (await db(FRONTEND_TABLES.population).where({ SCBZ: 0 }).orderBy('RYBH').select('GMSFZH', 'XM', 'CSRQ', 'GXSJ')) as Array<{ GMSFZH: string; XM: string; CSRQ: string | null; GXSJ: unknown }>;
  const rows: SocialInsuranceRow[] = [];
  for (let i = 0; i < people.length && rows.length < AT_MOST; i += EVERY) rows.push(socialInsuranceRecord({ ...people[i], GXSJ: String(people[i].GXSJ) }, rows.length));
  for (let i = 0; i < rows.length; i += 100) await db(SOCIAL_INSURANCE_TABLE).insert(rows.slice(i, i + 100));
  return rows.length;
}

/** The registration 区人社局 files: items, the library's key and required items, one method. */
export function socialInsuranceRegistration(): Registration {
  return {
    code: SOCIAL_INSURANCE_CODE,
    name: '社会保险参保信息',
    category: '部门',
    classification: { lei: '3', xiang: '01', mu: '010' },
    provider_code: departmentCodeByName('区人社局'),
    summary: '全区职工和城乡居民社会保险参保登记信息：参保状态、险种类型、参保日期和参保单位（演示数据，均为合成）。',
    format: '数据库',
    items: [
      { field: 'GMSFZH', name: '公民身份号码', data_type: 'C', length: 18, sensitive: true, db_type: 'VARCHAR2' },
      { field: 'XM', name: '姓名', data_type: 'C', length: 64, sensitive: true, db_type: 'NVARCHAR2' },
      { field: 'CBZT', name: '参保状态', data_type: 'C', length: 2, sensitive: false, db_type: 'VARCHAR2', description: '1 参保缴费 / 2 暂停缴费 / 3 终止参保' },
      { field: 'XZLX', name: '险种类型', data_type: 'C', length: 32, sensitive: false, db_type: 'NVARCHAR2' },
      { field: 'CBRQ', name: '参保日期', data_type: 'D', length: 8, sensitive: false, db_type: 'VARCHAR2' },
      { field: 'DWMC', name: '参保单位', data_type: 'C', length: 256, sensitive: false, db_type: 'NVARCHAR2' },
    ],
    library: { key: ['GMSFZH'], required: ['XM', 'CBZT', 'XZLX'] },
    share_type: '2',
    share_condition: '仅用于政务服务事项办理中核实社会保险参保状态，须经区人社局审核同意；姓名、公民身份号码脱敏提供。',
    share_mode: '接口',
    open_type: '不予开放',
    update_cycle: '每日',
    interfaces: [
      {
        method: 'getSBCB',
        name: '社会保险参保信息查询',
        function: '用于按公民身份号码查询社会保险参保状态',
        // a generic lookup: the gateway serves it from the library, over JSON and SOAP
        query: { params: [{ name: 'gmsfzh', item: 'GMSFZH', match: 'exact', required: true, check: '公民身份号码' }] },
      },
    ],
  };
}

const SEEDER: Principal = { role: 'operator', sub: 'seed' };

/** Registers and publishes the resource (creating its library) unless it is there. */
export async function ensureSocialInsuranceResource(db: Db): Promise<boolean> {
  const reg = socialInsuranceRegistration();
  if (await resourceExists(db, reg.code)) return false;
  await register(db, SEEDER, reg);
  await publish(db, SEEDER, reg.code);
  return true;
}

/** 区人社局's authoritative job: its front-end table into the resource's library. */
export function socialInsuranceJob(source: JobDefinition['source']): JobDefinition {
  return {
    id: 'demo-social-insurance',
    description: '区人社局 社会保险参保信息 → 资源库 301010/00002',
    department: departmentCodeByName('区人社局'),
    source: { ...source, table: SOCIAL_INSURANCE_TABLE } as JobDefinition['source'],
    target: `${RESOURCE_TARGET_PREFIX}${SOCIAL_INSURANCE_CODE}`,
    key: 'GMSFZH',
    updateTime: 'GXSJ',
    deleteFlag: { column: 'SCBZ', value: 1 },
    columns: { GMSFZH: 'gmsfzh', XM: 'xm', CBZT: 'cbzt', XZLX: 'xzlx', CBRQ: 'cbrq', DWMC: 'dwmc' },
  };
}
