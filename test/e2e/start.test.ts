/**
 * The newcomer's path: `dprs start` on an empty DATA_DIR builds the demo and serves; /readyz
 * answers 200 well within 60 s; SIGTERM stops it with exit code 0; a second start reuses data.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { openKnex } from '../../core/db';
import { tempDir } from '../support/databases';

const CLI = path.resolve(__dirname, '../../dist/scripts/cli.js');

function start(dataDir: string, port: number): { child: ChildProcess; output: () => string } {
  let out = '';
  const child = spawn(process.execPath, [CLI, 'start'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', DB_CLIENT: '', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

async function waitReady(port: number, deadlineMs: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < deadlineMs) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.status === 200) return Date.now() - t0;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('not ready in time');
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('dprs start', () => {
  const dataDir = tempDir('dprs-start-');
  const port = 18000 + (process.pid % 1000);
  let secret = '';

  it('is ready within 60 s on a fresh data dir, with the demo data in the base libraries', async () => {
    const s = start(dataDir, port);
    const ms = await waitReady(port, 60000);
    expect(ms).toBeLessThan(60000);
    expect(s.output()).toContain('/dprs/webService/DataService?wsdl');
    expect(s.output()).toContain('token issue');
    secret = /zc-yichuang {2}secret (\S+)/.exec(s.output())?.[1] ?? '';
    expect(secret.length).toBeGreaterThanOrEqual(20);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const code = exitCode(s.child);
    s.child.kill('SIGTERM');
    expect(await code).toBe(0);

    const db = openKnex({ client: 'sqlite', sqliteFile: path.join(dataDir, 'gateway.db') });
    try {
      const n = async (t: string) => Number((await db(t).count({ n: '*' }).first())!.n);
      expect(await n('population')).toBeGreaterThanOrEqual(10000);
      expect(await n('legal_entity')).toBeGreaterThanOrEqual(2000);
      expect(await n('licence')).toBeGreaterThanOrEqual(5000);
      expect(await n('licensing_items')).toBe(214);
    } finally {
      await db.destroy();
    }
  });

  it('reuses the data on a second start', async () => {
    const s = start(dataDir, port);
    const ms = await waitReady(port, 30000);
    expect(ms).toBeLessThan(30000);
    const code = exitCode(s.child);
    s.child.kill('SIGTERM');
    expect(await code).toBe(0);
    expect(s.output()).not.toMatch(/building the demo/);
    // the demo consumer's secret is printed on the first start only
    expect(s.output()).toContain('zc-yichuang');
    expect(s.output()).not.toContain(secret);
  });
});
