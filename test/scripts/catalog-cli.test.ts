/** `dprs catalog …` as a user runs it: the compiled CLI on a temporary data dir (SQLite). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../core/config';
import { verifyToken } from '../../core/jwt';
import { tempDir } from '../support/databases';

const CLI = path.resolve(__dirname, '../../dist/scripts/cli.js');

describe('dprs catalog', () => {
  const dataDir = tempDir('dprs-catalog-cli-');
  const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DB_CLIENT: '', DATABASE_URL: '', JWT_SECRET: 'cli-secret-cli-secret-cli-secret-0123456789' };
  const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'catalog', ...args], { env, encoding: 'utf8', timeout: 60000 });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('prints department and operator tokens the catalogue accepts', () => {
    const r = run('token', '--role', 'department', '--dept', 'ZC005', '--sub', 'ga-li');
    expect(r.status).toBe(0);
    const claims = verifyToken(loadConfig({ DATA_DIR: dataDir, JWT_SECRET: env.JWT_SECRET }), r.stdout.trim());
    expect(claims).toMatchObject({ sub: 'ga-li', role: 'department', dept: 'ZC005' });
    expect(run('token', '--role', 'department').stderr).toContain('--dept');
    expect(run('token', '--role', 'root').status).not.toBe(0);
  });

  it('seeds, exports, refuses an invalid import naming the field, re-imports an export unchanged', () => {
    expect(run('seed').status).toBe(0);
    const out = path.join(dataDir, 'catalogue.json');
    expect(run('export', '--out', out).status).toBe(0);
    const exported = JSON.parse(fs.readFileSync(out, 'utf8')) as { resources: Array<{ code: string }> };
    expect(exported.resources.map((r) => r.code)).toEqual(['101001/00001', '102001/00001', '105001/00001']);
    const bad = path.join(dataDir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify([{ ...exported.resources[0], share_type: '9' }]));
    const refused = run('import', bad);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('  0.share_type  ');
    const again = run('import', out);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ unchanged: ['101001/00001', '102001/00001', '105001/00001'] });
  });
});
