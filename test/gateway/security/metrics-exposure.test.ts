/**
 * /metrics (issue 10) names consumers and their call patterns: it is served on its own listen
 * address (METRICS_LISTEN, loopback by default), never on the lookups' port, to anyone.
 */
import { ConfigError, loadConfig } from '../../../core/config';
import { signToken } from '../../../core/jwt';
import { MetricsServer, startMetricsServer } from '../../../gateway/metrics-server';
import { startServer, RunningServer } from '../../../scripts/app/server';
import { STORAGE_TARGETS } from '../../support/databases';
import { testContext, TestContext } from '../../support/context';
import { insertFixtures, postJson, PURPOSE, tokenFor } from '../../support/lookups';

describe.each(STORAGE_TARGETS)('metrics exposure on %s', (target) => {
  let ctx: TestContext;
  let server: RunningServer;
  let metrics: MetricsServer;

  beforeAll(async () => {
    ctx = await testContext(target);
    const fx = await insertFixtures(ctx.db);
    server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
    metrics = (await startMetricsServer({ host: '127.0.0.1', port: 0 }, ctx.log))!;
    // a lookup, so there is a consumer label to leak
    const r = await postJson(`http://127.0.0.1:${server.port}`, 'getRKHY', { xm: fx.alice.xm, gmsfzh: fx.alice.gmsfzh }, { authorization: `Bearer ${tokenFor(ctx.config)}`, 'x-purpose': PURPOSE });
    expect(r.status).toBe(200);
  });
  afterAll(async () => {
    await metrics.close();
    await server.close();
    await ctx.dispose().catch(() => undefined);
  });

  it('the lookups port answers /metrics with 404 for anyone, operator or consumer', async () => {
    const tokens = [undefined, tokenFor(ctx.config), signToken(ctx.config, { sub: 'ops', role: 'operator' })];
    for (const token of tokens) {
      for (const path of ['/metrics', '/metrics/', '/METRICS', '/metrics?x=1']) {
        const r = await fetch(`http://127.0.0.1:${server.port}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
        const text = await r.text();
        expect([path, r.status]).toEqual([path, 404]);
        expect(text).not.toContain('dprs_lookup_requests_total');
        expect(text).not.toContain('test-window');
      }
    }
  });

  it('the metrics address serves Prometheus text and nothing else', async () => {
    const r = await fetch(`http://127.0.0.1:${metrics.port}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await r.text();
    expect(text).toMatch(/dprs_lookup_requests_total\{method="getRKHY",interface="json",consumer="test-window",result_code="200"\} [1-9]/);
    expect(text).toContain('dprs_process_resident_memory_bytes');
    expect((await fetch(`http://127.0.0.1:${metrics.port}/dprs/api/getRKZP`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${metrics.port}/metrics`, { method: 'POST' })).status).toBe(404);
  });
});

describe('METRICS_LISTEN', () => {
  const base = { DATA_DIR: '/tmp/dprs-metrics-config', JWT_SECRET: 'x'.repeat(40), AUDIT_KEY: 'y'.repeat(40) };
  it('defaults to loopback port 9464, accepts an address or off, and names itself when wrong', () => {
    expect(loadConfig(base).metricsListen).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig({ ...base, METRICS_LISTEN: '0.0.0.0:9100' }).metricsListen).toEqual({ host: '0.0.0.0', port: 9100 });
    expect(loadConfig({ ...base, METRICS_LISTEN: '[::1]:9464' }).metricsListen).toEqual({ host: '::1', port: 9464 });
    expect(loadConfig({ ...base, METRICS_LISTEN: 'off' }).metricsListen).toBeNull();
    for (const bad of ['9464', ':9464', 'localhost:', 'localhost:99999', 'a:b']) {
      expect(() => loadConfig({ ...base, METRICS_LISTEN: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, METRICS_LISTEN: bad })).toThrow(/METRICS_LISTEN/);
    }
  });

  it('a taken address does not stop the gateway: the second exporter reports it and stands aside', async () => {
    const log = { error: jest.fn() } as unknown as Parameters<typeof startMetricsServer>[1];
    const first = (await startMetricsServer({ host: '127.0.0.1', port: 0 }, log))!;
    try {
      expect(await startMetricsServer({ host: '127.0.0.1', port: first.port }, log)).toBeNull();
      expect((log.error as jest.Mock).mock.calls[0][1]).toMatch(/METRICS_LISTEN/);
    } finally {
      await first.close();
    }
  });
});
