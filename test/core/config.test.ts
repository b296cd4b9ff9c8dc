import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../core/config';
import { tempDir } from '../support/databases';

const base = { DATA_DIR: '/tmp/dprs-config-test', JWT_SECRET: 'x'.repeat(40), AUDIT_KEY: 'y'.repeat(40) };

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig(base);
    expect(c.port).toBe(8080);
    expect(c.db.client).toBe('sqlite');
    expect(c.db.sqliteFile).toBe('/tmp/dprs-config-test/gateway.db');
    expect(c.publicUrl).toBe('http://localhost:8080');
    expect(c.logLevel).toBe('info');
    expect(c.jwt.keys).toEqual([{ kid: 'k1', secret: 'x'.repeat(40) }]);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DB_CLIENT: 'oracle' }, 'DB_CLIENT'],
    [{ DB_CLIENT: 'mysql' }, 'DATABASE_URL'],
    [{ DB_CLIENT: 'mysql', DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ PUBLIC_URL: 'ftp://x' }, 'PUBLIC_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ JWT_KEYS: 'nokid' }, 'JWT_KEYS'],
    [{ JWT_TTL_SECONDS: '7200' }, 'JWT_TTL_SECONDS'],
  ])('rejects %o naming %s', (env, variable) => {
    let err: unknown;
    try {
      loadConfig({ ...base, ...env });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(variable);
    expect((err as ConfigError).message).toContain(variable);
  });

  it('reads the sync lease time, refusing one too short to renew', () => {
    expect(loadConfig(base).sync.leaseMs).toBe(60000);
    expect(loadConfig({ ...base, SYNC_LEASE_MS: '5000' }).sync.leaseMs).toBe(5000);
    expect(() => loadConfig({ ...base, SYNC_LEASE_MS: '500' })).toThrow(/SYNC_LEASE_MS/);
  });

  it('accepts a rotation key list, the first key signing', () => {
    const c = loadConfig({ ...base, JWT_KEYS: `new:${'n'.repeat(32)},old:${'o'.repeat(32)}` });
    expect(c.jwt.keys.map((k) => k.kid)).toEqual(['new', 'old']);
  });

  it('generates secrets once and keeps them in DATA_DIR', () => {
    const dir = tempDir();
    const a = loadConfig({ DATA_DIR: dir });
    const b = loadConfig({ DATA_DIR: dir });
    expect(a.jwt.keys[0].secret.length).toBeGreaterThanOrEqual(32);
    expect(b.jwt.keys).toEqual(a.jwt.keys);
    expect(b.auditKey).toBe(a.auditKey);
  });

  it.each([
    ['PORT', 'abc'],
    ['DB_CLIENT', 'oracle'],
  ])('the CLI exits non-zero naming %s=%s', (variable, value) => {
    const cli = path.resolve(__dirname, '../../dist/scripts/cli.js');
    const r = spawnSync(process.execPath, [cli, 'serve'], {
      env: { ...process.env, ...base, DATA_DIR: tempDir(), [variable]: value },
      encoding: 'utf8',
      timeout: 20000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(variable);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });
});
