/**
 * Sync jobs for the demo front-end tables: the demo SQLite file is the 前置机, the scheduler
 * pulls changes every minute and re-reads everything nightly.
 */
import type { JobDefinition } from '../../adapters/sync/jobs';
import { departmentCodeByName } from '../../catalog/gazette';
import { FRONTEND_TABLES } from './frontend';
import { CIVIL_AFFAIRS_TABLE } from './civil-affairs';
import { socialInsuranceJob } from './social-insurance';

const common = (file: string) => ({
  source: { client: 'better-sqlite3' as const, connection: { filename: file } },
  updateTime: 'GXSJ',
  deleteFlag: { column: 'SCBZ', value: 1 },
  schedule: { full: '30 3 * * *', incremental: '* * * * *' },
  batchSize: 1000,
  errorLimit: { records: 100, percent: 1 },
});

export function demoJobs(frontendFile: string): JobDefinition[] {
  const base = common(frontendFile);
  const withTable = (table: string) => ({ ...base, source: { ...base.source, table } });
  return [
    {
      id: 'demo-population',
      description: '区公安分局 人口基本信息 → 人口基础库',
      department: departmentCodeByName('区公安分局'),
      ...withTable(FRONTEND_TABLES.population),
      target: 'population',
      key: 'RYBH',
      columns: { RYBH: 'rybh', GMSFZH: 'gmsfzh', XM: 'xm', CSRQ: 'csrq', MZ: 'mz', XB: 'xb', JG: 'jg', CSD: 'csd', HJD: 'hjd' },
    },
    {
      id: 'demo-legal-entity',
      description: '区工商局 企业登记信息 → 法人单位基础库',
      department: departmentCodeByName('区工商局'),
      ...withTable(FRONTEND_TABLES.legalEntity),
      target: 'legal_entity',
      key: 'TYSHXYDM',
      columns: {
        TYSHXYDM: 'tyshxydm', JGMC: 'jgmc', JGLX: 'jglx', FDDBR: 'fddbr', ZCZB: 'zczb', CLRQ: 'clrq', DJJG: 'djjg', ZS: 'zs', JYFW: 'jyfw', DJZT: 'djzt',
      },
    },
    {
      id: 'demo-licence',
      description: '电子证照信息 → 电子证照库',
      ...withTable(FRONTEND_TABLES.licence),
      target: 'licence',
      key: 'ZZBH',
      columns: {
        ZZBH: 'zzbh', ZZMC: 'zzmc', ZZLXDM: 'zzlxdm', CZZT: 'czzt', CZZTDM: 'czztdm', CZZTDMLX: 'czztdmlx', ZZBFJG: 'zzbfjg', ZZBFRQ: 'zzbfrq',
        ZZYXQQSRQ: 'zzyxqqsrq', ZZYXQJZRQ: 'zzyxqjzrq', ZZZT: 'zzzt', SXMC: 'sxmc',
      },
    },
    // 多元校核: what 民政 recorded of items 公安 owns is compared, never written
    {
      id: 'demo-civil-verify',
      description: '区民政局 婚姻登记 → 人口基础库 校核（姓名、民族、户籍地）',
      department: departmentCodeByName('区民政局'),
      role: 'verify',
      ...withTable(CIVIL_AFFAIRS_TABLE),
      target: 'population',
      key: 'RYBH',
      columns: { RYBH: 'rybh', XM: 'xm', MZ: 'mz', HJD: 'hjd' },
    },
    // a department's own data set: 区人社局's table into the library of its published resource
    { ...base, ...socialInsuranceJob(base.source) },
  ];
}
