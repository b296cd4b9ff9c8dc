/** `dprs user add|disable|enable|reset|list`: accounts from the command line, mistakes named in Chinese. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { openKnex } from '../../core/db';
import { migrate } from '../../scripts/app/migrations';
import { seedReferenceData } from '../../catalog/seed';
import { verifySecret } from '../../catalog/secrets';
import { tempDir } from '../support/databases';

const CLI = path.resolve(__dirname, '../../dist/scripts/cli.js');

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('dprs user', () => {
  const dataDir = tempDir('dprs-user-');
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', JWT_SECRET: 'cli-test-secret-cli-test-secret-0123456789' };
  const file = path.join(dataDir, 'gateway.db');
  const hashOf = async (username: string) => {
    const db = openKnex({ client: 'sqlite', sqliteFile: file });
    try {
      return (await db('accounts').where({ username }).first()) as { password_hash: string; disabled: number; totp_secret: string | null };
    } finally {
      await db.destroy();
    }
  };

  beforeAll(async () => {
    const db = openKnex({ client: 'sqlite', sqliteFile: file });
    try {
      await migrate(db);
      await seedReferenceData(db);
    } finally {
      await db.destroy();
    }
  });

  it('adds an officer and prints a one-time password that is the stored one', async () => {
    const r = await cli(['user', 'add', 'gaj', '--role', 'officer', '--department', 'ZC005', '--name', '公安分局管理员'], env);
    expect(r.code).toBe(0);
    const otp = /one_time_password=(\S+)/.exec(r.stdout)![1];
    expect(verifySecret(otp, (await hashOf('gaj')).password_hash)).toBe(true);
    expect(r.stdout).not.toContain('totp_secret');
  });

  it('gives an operator no TOTP secret: they enrol their own authenticator at first sign-in', async () => {
    const r = await cli(['user', 'add', 'ops', '--role', 'operator'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/one_time_password=\S+/);
    expect(r.stdout).not.toContain('totp');
    expect((await hashOf('ops')).totp_secret).toBeNull();
  });

  it('names the mistake and exits 2', async () => {
    const noDept = await cli(['user', 'add', 'x-officer', '--role', 'officer'], env);
    expect(noDept.code).toBe(2);
    expect(noDept.stderr).toContain('department_code');
    const badRole = await cli(['user', 'add', 'someone', '--role', 'admin'], env);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('角色');
    const taken = await cli(['user', 'add', 'gaj', '--role', 'auditor'], env);
    expect(taken.stderr).toContain('已存在');
    expect((await cli(['user', 'reset', 'nobody'], env)).code).toBe(2);
  });

  it('disables, lists and resets', async () => {
    expect((await cli(['user', 'disable', 'gaj'], env)).stdout).toContain('已停用');
    expect((await hashOf('gaj')).disabled).toBeTruthy();
    const list = await cli(['user', 'list'], env);
    expect(list.stdout.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^gaj\t部门管理员\t停用\tZC005\t公安分局管理员$/), expect.stringMatching(/^ops\t运维管理员\t启用\t-\tops$/)]);
    const before = (await hashOf('gaj')).password_hash;
    const reset = await cli(['user', 'reset', 'gaj'], env);
    const otp = /one_time_password=(\S+)/.exec(reset.stdout)![1];
    const after = (await hashOf('gaj')).password_hash;
    expect(after).not.toBe(before);
    expect(verifySecret(otp, after)).toBe(true);
  });
});
