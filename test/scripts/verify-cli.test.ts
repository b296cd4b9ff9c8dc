/** dprs verify list|show|resolve (compiled CLI: run `npm run build` first). */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { insertDifferences } from '../../adapters/verification/store';
import { freshDatabase, STORAGE_TARGETS, tempDir, TestDatabase } from '../support/databases';

const CLI = path.resolve(__dirname, '../../dist/scripts/cli.js');

describe.each(STORAGE_TARGETS)('dprs verify on %s', (target) => {
  let t: TestDatabase;
  const dataDir = tempDir();
  const env = () => ({
    ...process.env,
    DATA_DIR: dataDir,
    AUDIT_KEY: 'a'.repeat(40),
    JWT_SECRET: 'j'.repeat(40),
    LOG_LEVEL: 'silent',
    ...(target === 'mysql' ? { DB_CLIENT: 'mysql', DATABASE_URL: t.url } : { DB_CLIENT: 'sqlite', DATABASE_URL: `sqlite:${t.url}` }),
  });
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'verify', ...args], { env: env(), encoding: 'utf8', timeout: 30000 });

  beforeAll(async () => {
    t = await freshDatabase(target);
    const base = { authoritativeJob: 'ga', department: 'ZC001' };
    await insertDifferences(t.db, 'population', [
      { ...base, recordKey: 'RY000000000002', item: 'hjd', authoritativeValue: '山东省淄博市周村区丝绸路1号', otherValue: '山东省淄博市周村区丝绸路1附1号', source: 'mz-check' },
      { ...base, recordKey: 'RY000000000012', item: 'csrq', authoritativeValue: '19360101', otherValue: '19350101', source: 'rule:csrq-gmsfzh' },
    ], Date.UTC(2026, 10, 1));
  });
  afterAll(async () => {
    await t.drop();
  });

  it('lists the open differences with counts per item and source, in Chinese or as JSON', () => {
    const text = run('list');
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('按信息项和来源统计');
    expect(text.stdout).toContain('population.CSRQ\t出生日期与公民身份号码（第7–14位）一致\t待核实\t1');
    expect(text.stdout).toContain('权威 19360101（ga）');
    const json = JSON.parse(run('list', '--item', 'HJD', '--json').stdout);
    expect(json.differences).toHaveLength(1);
    expect(json.differences[0]).toMatchObject({ record_key: 'RY000000000002', item: 'HJD', source: 'mz-check', state: '待核实' });
    expect(json.counts).toEqual([{ library: 'population', item: 'hjd', source: 'mz-check', state: '待核实', count: 1 }]);
  });

  it('shows and resolves one; bad input is a Chinese message and exit 2', async () => {
    const id = (await t.db('verification_differences').where({ item: 'hjd' }).first()).id;
    expect(run('show', String(id)).stdout).toContain(`校核差异 #${id}`);
    const resolved = run('resolve', String(id), '--state', '已忽略', '--note', '民政旧址，不影响办理', '--by', 'ops-1', '--json');
    expect(resolved.status).toBe(0);
    expect(JSON.parse(resolved.stdout)).toMatchObject({ id, state: '已忽略', resolved_by: 'ops-1', resolution_note: '民政旧址，不影响办理' });
    expect((await t.db('verification_differences').where({ id }).first()).state).toBe('已忽略');
    expect(JSON.parse(run('list', '--state', '已忽略', '--json').stdout).differences.map((d: { id: number }) => d.id)).toEqual([id]);

    const bad = run('resolve', String(id), '--state', '已解决');
    expect([bad.status, bad.stderr.trim()]).toEqual([2, '参数错误：state 应为 待核实 / 已确认 / 已忽略 之一']);
    const missing = run('show', '999999');
    expect([missing.status, missing.stderr.trim()]).toEqual([1, '未查询到数据：id 没有该校核差异']);
  });
});
