import { startServer, RunningServer } from '../../../scripts/app/server';
import { STORAGE_TARGETS } from '../../support/databases';
import { testContext, TestContext } from '../../support/context';

describe.each(STORAGE_TARGETS)('health endpoints on %s', (target) => {
  let ctx: TestContext;
  let server: RunningServer;
  beforeAll(async () => {
    ctx = await testContext(target);
    server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server.close();
    await ctx.dispose().catch(() => undefined);
  });

  const url = (p: string) => `http://127.0.0.1:${server.port}${p}`;

  it('answers healthz and readyz, with a request id', async () => {
    const h = await fetch(url('/healthz'));
    expect(h.status).toBe(200);
    expect(h.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const r = await fetch(url('/readyz'), { headers: { 'X-Request-Id': 'abc-123' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-request-id')).toBe('abc-123');
  });

  it('answers unknown paths with the 404 envelope, not an HTML page', async () => {
    const r = await fetch(url('/nope'));
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ msg: '未查询到数据：path 接口不存在', result_code: '404', data: [] });
  });

  it('sends security headers and no CORS headers', async () => {
    const r = await fetch(url('/healthz'), { headers: { Origin: 'http://evil.example' } });
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    expect(r.headers.get('x-powered-by')).toBeNull();
  });

  it('reports 503 when the database is gone', async () => {
    await ctx.db.destroy();
    const r = await fetch(url('/readyz'));
    expect(r.status).toBe(503);
    expect((await fetch(url('/healthz'))).status).toBe(200);
  });
});
