/** Catalogue test helpers: a served app over a fresh database with the catalogue seeded, tokens, calls. */
import { startServer, RunningServer } from '../../scripts/app/server';
import { signToken } from '../../core/jwt';
import { seedCatalogue } from '../../catalog/seed';
import type { Registration } from '../../catalog/resources';
import type { Target } from './databases';
import { testContext, TestContext } from './context';

export interface CatalogHarness {
  ctx: TestContext;
  server: RunningServer;
  url(p: string): string;
  token(claims: Record<string, unknown> & { sub: string }): string;
  call(method: string, path: string, opts?: { token?: string; body?: unknown }): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function catalogHarness(target: Target): Promise<CatalogHarness> {
  const ctx = await testContext(target);
  await seedCatalogue(ctx.db);
  const server = await startServer(ctx, { port: 0, host: '127.0.0.1' });
  const url = (p: string) => `http://127.0.0.1:${server.port}${p}`;
  return {
    ctx,
    server,
    url,
    token: (claims) => signToken(ctx.config, claims, 600),
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = {};
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const r = await fetch(url(path), { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
      const text = await r.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: r.status, body };
    },
    async close() {
      await server.close();
      await ctx.dispose().catch(() => undefined);
    },
  };
}

/** A valid 部门 resource of 区人社局 (ZC010) with an interface. */
export function sampleRegistration(over: Partial<Registration> = {}): Registration {
  return {
    code: '301010/00001',
    name: '社会保险参保信息',
    category: '部门',
    classification: { lei: '3', xiang: '01', mu: '010' },
    provider_code: 'ZC010',
    summary: '全区职工和城乡居民社会保险参保登记与缴费状态。',
    format: '数据库',
    items: [
      { field: 'GMSFZH', name: '公民身份号码', data_type: 'C', length: 18, sensitive: true },
      { field: 'XM', name: '姓名', data_type: 'C', length: 64, sensitive: true },
      { field: 'CBZT', name: '参保状态', data_type: 'C', length: 2, sensitive: false },
      { field: 'CBRQ', name: '参保日期', data_type: 'D', length: 8, sensitive: false },
    ],
    share_type: '1',
    share_mode: '接口',
    open_type: '不予开放',
    update_cycle: '每日',
    library: { key: ['GMSFZH'] },
    interfaces: [{ method: 'getSBCB', name: '社保参保信息', function: '用于查询社会保险参保状态', params: [{ name: 'gmsfzh', description: '居民身份证号', data_type: '字符串' }] }],
    ...over,
  };
}
