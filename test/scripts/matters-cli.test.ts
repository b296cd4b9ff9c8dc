/** `dprs matters …` as a user runs it: the compiled CLI on a temporary data dir (SQLite). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../support/databases';

const CLI = path.resolve(__dirname, '../../dist/scripts/cli.js');

describe('dprs matters', () => {
  const dataDir = tempDir('dprs-matters-cli-');
  const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DB_CLIENT: '', DATABASE_URL: '', JWT_SECRET: 'cli-secret-cli-secret-cli-secret-0123456789' };
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 60000 });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('adds materials, shows their state, exports, refuses a bad import cell by cell, imports, reports', () => {
    expect(run('catalog', 'seed').status).toBe(0);
    const add = run('matters', 'add-material', 'XK137', '--name', '身份证明', '--items', '姓名、公民身份证号', '--provider', '区公安分局', '--usage', '核验', '--purpose', '核验经营者身份');
    expect(add.status).toBe(0);
    expect(add.stdout).toContain('身份证明  [姓名、公民身份证号]  区公安分局  核验  核验经营者身份  → 缺：接口未接入数据、实施部门未获授权（人口户籍信息）');
    const wrongDept = run('matters', 'add-material', 'XK145', '--dept', 'ZC005', '--name', '身份证明', '--items', '姓名', '--provider', '区公安分局', '--usage', '核验', '--purpose', 'x');
    expect(wrongDept.status).not.toBe(0);
    expect(wrongDept.stderr).toContain('XK145 不由本部门实施');
    const badUsage = run('matters', 'add-material', 'XK137', '--name', '户口簿', '--items', '姓名', '--provider', '区公安分局', '--usage', '比对', '--purpose', 'x');
    expect(badUsage.status).toBe(1);
    expect(badUsage.stderr).toContain('字段 usage 使用方式应为 查询 / 核验 / 批量比对 之一');

    expect(run('matters', 'list').stdout).toBe('XK137\t区工商局\t材料 1\t可免提交 0\t个体工商户设立、变更、注销登记\n');
    const csv = path.join(dataDir, 'survey.csv');
    expect(run('matters', 'export', '--format', 'csv', '--out', csv).status).toBe(0);
    const text = fs.readFileSync(csv, 'utf8');
    fs.writeFileSync(csv, text.replace('核验,核验经营者身份', '批量比对,批量核验经营者身份') + '2,XK137,,,经营场所证明,不动产权证号,周村国土资源分局,查询,,\r\n');
    const refused = run('matters', 'import', csv);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('第 5 行 I 列（使用目的）：使用目的不能为空');
    fs.writeFileSync(csv, fs.readFileSync(csv, 'utf8').replace('查询,,\r\n', '查询,核对经营场所,\r\n'));
    const imported = run('matters', 'import', csv);
    expect(imported.stderr).toBe('');
    expect(JSON.parse(imported.stdout)).toEqual({ matters: 1, materials: 2 });
    expect(run('matters', 'show', 'XK137').stdout).toContain('批量比对  批量核验经营者身份');

    const report = run('matters', 'report', '--format', 'json');
    expect(JSON.parse(report.stdout).total).toEqual({ matters: 1, materials: 2, exempt: 0, rate: 0, lookups: 0 });
    const xlsx = path.join(dataDir, 'report.xlsx');
    expect(run('matters', 'report', '--format', 'xlsx', '--out', xlsx).status).toBe(0);
    expect(fs.readFileSync(xlsx).subarray(0, 2).toString()).toBe('PK');
    expect(run('matters', 'report', '--from', '2020-02-30').stderr).toContain('from 应为日期 YYYY-MM-DD');
  });
});
