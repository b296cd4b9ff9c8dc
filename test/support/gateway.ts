/**
 * The one set-up of the HTTP suites: a served gateway over a fresh database on a storage
 * target, with the lookup fixtures, the test consumer's token and its request headers.
 */
import { startServer, RunningServer } from '../../scripts/app/server';
import type { Logger } from '../../core/logger';
import type { Target } from './databases';
import { testContext, TestContext } from './context';
import { Fixtures, insertFixtures, PURPOSE, tokenFor } from './lookups';

export interface TestGateway {
  ctx: TestContext;
  server: RunningServer;
  fx: Fixtures;
  /** http://127.0.0.1:port */
  base: string;
  /** the test consumer's bearer token, for every lookup */
  token: string;
  /** Authorization and X-Purpose of the test consumer */
  headers: Record<string, string>;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** configuration variables on top of the test defaults */
  env?: Record<string, string>;
  /** listen here (0: any free port) */
  port?: number;
  /** replaces the silent logger, e.g. to read what was logged */
  log?: Logger;
}

export async function testGateway(target: Target, opts: GatewayOptions = {}): Promise<TestGateway> {
  const ctx = await testContext(target, opts.env);
  if (opts.log) ctx.log = opts.log;
  const fx = await insertFixtures(ctx.db);
  const server = await startServer(ctx, { port: opts.port ?? 0, host: '127.0.0.1' });
  const token = tokenFor(ctx.config);
  return {
    ctx,
    server,
    fx,
    base: `http://127.0.0.1:${server.port}`,
    token,
    headers: { authorization: `Bearer ${token}`, 'x-purpose': PURPOSE },
    async close() {
      await server.close();
      await ctx.dispose().catch(() => undefined);
    },
  };
}
