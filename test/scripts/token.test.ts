/** `dprs token issue`: prints only a token that the gateway accepts, for the demo consumer by default. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { addConsumer } from '../../catalog/consumers';
import { consumerClaims } from '../../gateway/auth/tokens';
import { loadConfig } from '../../core/config';
import { openKnex } from '../../core/db';
import { migrate } from '../../scripts/app/migrations';
import { ALL_LOOKUPS, DEMO_CONSUMER_ID } from '../../scripts/demo';
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

describe('dprs token issue', () => {
  const dataDir = tempDir('dprs-token-');
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', JWT_SECRET: 'cli-test-secret-cli-test-secret-0123456789' };

  beforeAll(async () => {
    const db = openKnex({ client: 'sqlite', sqliteFile: path.join(dataDir, 'gateway.db') });
    try {
      await migrate(db);
      await addConsumer(db, { id: DEMO_CONSUMER_ID, name: '一窗受理', methods: ALL_LOOKUPS });
      await addConsumer(db, { id: 'other', name: '其他', methods: ['getRKHY'] });
    } finally {
      await db.destroy();
    }
  });

  it('prints only a token for the demo consumer, or the one named', async () => {
    const config = loadConfig(env);
    const demo = await cli(['token', 'issue'], env);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(consumerClaims(config, demo.stdout.trim())).toEqual({ consumerId: DEMO_CONSUMER_ID, methods: ALL_LOOKUPS });
    const other = await cli(['token', 'issue', '--consumer', 'other'], env);
    expect(consumerClaims(config, other.stdout.trim())).toEqual({ consumerId: 'other', methods: ['getRKHY'] });
  });

  it('fails for an unknown consumer', async () => {
    const r = await cli(['token', 'issue', '--consumer', 'nobody'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('调用方 nobody 不存在');
  });
});
