/**
 * Headers fit where the gateway runs: the TLS-only ones (HSTS, CSP upgrade-insecure-requests)
 * only when PUBLIC_URL is https or TLS_HEADERS=on — over plain HTTP on an intranet address
 * they left the portal blank — and the root address leads to the portal.
 */
import { startServer, RunningServer } from '../../../scripts/app/server';
import { testContext, TestContext } from '../../support/context';

describe.each([
  ['http://10.20.30.40:8080', undefined, false],
  ['https://dprs.zhoucun.gov.cn', undefined, true],
  ['http://10.20.30.40:8080', 'on', true],
  ['https://dprs.zhoucun.gov.cn', 'off', false],
])('PUBLIC_URL=%s TLS_HEADERS=%s', (publicUrl, tlsHeaders, tls) => {
  let ctx: TestContext;
  let server: RunningServer;
  let base: string;
  beforeAll(async () => {
    ctx = await testContext('sqlite', { PUBLIC_URL: publicUrl, ...(tlsHeaders ? { TLS_HEADERS: tlsHeaders } : {}) });
    server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    await ctx.dispose();
  });

  it(`${tls ? 'sends' : 'omits'} HSTS and upgrade-insecure-requests; keeps the rest of the CSP`, async () => {
    for (const p of ['/portal/', '/healthz']) {
      const r = await fetch(base + p);
      await r.text();
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp.includes('upgrade-insecure-requests')).toBe(tls);
      expect(r.headers.get('strict-transport-security') !== null).toBe(tls);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('/ leads to the portal', async () => {
    const r = await fetch(base + '/', { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/portal/');
  });
});

it('TLS_HEADERS takes auto, on or off only', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadConfig } = require('../../../core/config') as typeof import('../../../core/config');
  expect(() => loadConfig({ DATA_DIR: '/tmp/dprs-tls-test', AUDIT_KEY: 'a'.repeat(40), JWT_SECRET: 'j'.repeat(40), TLS_HEADERS: 'yes' })).toThrow('TLS_HEADERS');
});
