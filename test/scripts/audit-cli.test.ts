import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { auditChainKey, queryKeyHash } from '../../gateway/auditing/chain';
import { appendEntries } from '../../gateway/auditing/store';
import { freshDatabase, STORAGE_TARGETS, tempDir, TestDatabase } from '../support/databases';

const CLI = path.resolve(__dirname, '../../dist/scripts/cli.js');
const AUDIT_KEY = 'a'.repeat(40);

describe.each(STORAGE_TARGETS)('dprs audit on %s', (target) => {
  let t: TestDatabase;
  const dataDir = tempDir();
  const env = () => ({
    ...process.env,
    DATA_DIR: dataDir,
    AUDIT_KEY,
    JWT_SECRET: 'j'.repeat(40),
    LOG_LEVEL: 'silent',
    ...(target === 'mysql' ? { DB_CLIENT: 'mysql', DATABASE_URL: t.url } : { DB_CLIENT: 'sqlite', DATABASE_URL: `sqlite:${t.url}` }),
  });
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'audit', ...args], { env: env(), encoding: 'utf8', timeout: 30000 });

  beforeAll(async () => {
    t = await freshDatabase(target);
    await appendEntries(
      t.db,
      auditChainKey(AUDIT_KEY),
      Array.from({ length: 8 }, (_, i) => ({
        at: Date.now() - (8 - i) * 1000,
        requestId: `r${i}`,
        consumerId: i === 2 ? 'zc-gongan' : 'zc-yichuang',
        method: 'getRKZP',
        interface: 'json' as const,
        purpose: `事由${i}`,
        queryKeyHash: queryKeyHash(AUDIT_KEY, i === 2 || i === 5 ? '11010519491231002X' : `ID${i}`),
        resultCode: '200',
        rows: 1,
        durationMs: 2,
      })),
    );
  });
  afterAll(async () => {
    await t.drop();
  });

  it('verifies the intact chain, then reports an edited row with its position', async () => {
    const ok = run('verify');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('审计链完整：8 条记录');
    await t.db('audit_log').where({ id: 3 }).update({ consumer_id: 'someone-else' });
    const bad = run('verify', '--json');
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, position: 3, id: 3 });
  });

  it('answers who looked an ID number up (15-digit form normalised)', () => {
    const r = run('who', '110105491231002', '--json');
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ purpose: string }>;
    expect(rows.map((x) => x.purpose)).toEqual(['事由5', '事由2']);
  });

  it('anchor appends the head to DATA_DIR/audit-anchors.log; verify lists every broken range and checks the anchors', async () => {
    const a = run('anchor');
    expect(a.status).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({ lastId: 8, count: 8 });
    const lines = fs.readFileSync(path.join(dataDir, 'audit-anchors.log'), 'utf8').trim().split('\n');
    expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ lastId: 8, mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    await t.db('audit_log').where({ id: 6 }).update({ purpose: '改过' });
    const bad = run('verify');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('审计链被破坏：2 处');
    expect(bad.stdout).toContain('编号 3：内容被修改');
    expect(bad.stdout).toContain('编号 6：内容被修改');
  });

  it('consumer changes from the command line are operator actions of the OS user, listed by audit operators', () => {
    const add = spawnSync(process.execPath, [CLI, 'consumer', 'add', 'cli-window', '--name', '测试窗口'], { env: env(), encoding: 'utf8', timeout: 30000 });
    expect(add.status).toBe(0);
    const disable = spawnSync(process.execPath, [CLI, 'consumer', 'disable', 'cli-window'], { env: env(), encoding: 'utf8', timeout: 30000 });
    expect(disable.status).toBe(0);
    const listed = run('operators', '--json');
    expect(listed.status).toBe(0);
    const rows = JSON.parse(listed.stdout) as Array<{ actor: string; action: string; target: string }>;
    expect(rows.map((r) => r.action)).toEqual(['consumer.disable', 'consumer.add']);
    expect(rows[0]).toMatchObject({ actor: expect.stringMatching(/^cli:.+/), target: 'consumer:cli-window' });
    expect(run('operators').stdout).toContain('consumer.disable  consumer:cli-window');
  });
});

