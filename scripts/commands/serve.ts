/** start / serve: run the gateway until SIGTERM or SIGINT, then shut down gracefully. */
import type { Command } from 'commander';
import { startServer } from '../../gateway/server';
import { startMetricsServer } from '../../gateway/metrics-server';
import type { AppContext } from '../../gateway/context';
import { migrateLatest } from '../../core/db';
import { createContext, destroyContext } from '../../gateway/bootstrap';
import { demoConsumerFile, ensureDemo, DEMO_CONSUMER_ID } from '../demo';
import { startScheduler } from '../../adapters/sync/scheduler';
import { SyncEngine } from '../../adapters/sync/engine';
import { config } from './common';
import { DemoCredential, ensureDemoAccounts } from '../../gateway/accounts/demo';

/**
 * From SIGTERM (or SIGINT) to exit: the HTTP drain (DRAIN_MS, 10 s) and the sync runs' grace
 * (RUN_STOP_GRACE_MS, 5 s, then aborted at their next batch) run side by side, then the audit
 * writer is flushed and the database closed. A process still alive this long after the
 * signal is stuck: it logs what keeps it alive and exits with code 1.
 */
export const SHUTDOWN_BOUND_MS = 15000;

async function serve(ctx: AppContext, banner?: (port: number) => string): Promise<void> {
  // one engine for scheduled runs and runs an operator starts over HTTP: stop() covers both
  const engine = new SyncEngine(ctx.db, { leaseMs: ctx.config.sync.leaseMs });
  const running = await startServer(ctx, { syncEngine: engine });
  const metrics = ctx.config.metricsListen ? await startMetricsServer(ctx.config.metricsListen, ctx.log) : null;
  ctx.log.info({ port: running.port, metricsPort: metrics?.port ?? null }, 'dprs listening');
  // sync runs in the serving process; the lease keeps replicas from running a job twice
  const scheduler = await startScheduler(ctx.db, ctx.log, engine);
  if (banner) process.stdout.write(banner(running.port));
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      ctx.log.info({ signal }, 'shutting down');
      // unref'd: it fires only if something still holds the process after the bound
      setTimeout(() => {
        ctx.log.error({ boundMs: SHUTDOWN_BOUND_MS, active: process.getActiveResourcesInfo() }, 'shutdown exceeded its bound');
        process.exit(1);
      }, SHUTDOWN_BOUND_MS).unref();
      Promise.allSettled([running.close(), scheduler.stop(), metrics?.close()]).then(() => resolve());
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

/** Workbench lines: where to sign in and, on the first start only, the demo accounts' one-time passwords. */
function workbenchBanner(ctx: AppContext, base: string, accounts: DemoCredential[]): string[] {
  const lines = [`  workbench      ${base}/dprs/workbench/   (dprs user add|disable|reset|list)`];
  for (const a of accounts) {
    const totp = a.totpSecret && ctx.config.workbench.totpRequired ? `  TOTP secret ${a.totpSecret}` : '';
    lines.push(`    ${a.username.padEnd(14)} ${a.roleName}  one-time password ${a.password}${totp}`);
  }
  if (accounts.length > 0) lines.push('    (shown this once; each account sets its own password at first sign-in)');
  return lines;
}

function startBanner(ctx: AppContext, secret: string | null, accounts: DemoCredential[]): (port: number) => string {
  return (port) => {
    const base = ctx.config.publicUrl.includes(`:${ctx.config.port}`) ? ctx.config.publicUrl.replace(`:${ctx.config.port}`, `:${port}`) : ctx.config.publicUrl;
    const lines = [
      '',
      'dprs 周村区信息共享交换网关 is running',
      `  health         ${base}/healthz   ${base}/readyz`,
      `  portal         ${base}/portal/`,
      `  免提交率       ${base}/portal/#/matters-report   (事项数据需求清单: npm run --silent dprs -- matters list)`,
      `  WSDL           ${base}/dprs/webService/DataService?wsdl`,
      `  OpenAPI        ${base}/dprs/api/openapi.json`,
      `  metrics        ${ctx.config.metricsListen ? `http://${ctx.config.metricsListen.host}:${ctx.config.metricsListen.port}/metrics  (for Prometheus; not on the lookups' port)` : 'off (METRICS_LISTEN=off)'}`,
      `  demo consumer  ${DEMO_CONSUMER_ID}${secret ? `  secret ${secret}  (shown this once; also in ${demoConsumerFile(ctx.config.dataDir)}, mode 0600)` : `  (secret shown at the first start; kept in ${demoConsumerFile(ctx.config.dataDir)})`}`,
      `  get a token    npm run --silent dprs -- token issue`,
      `                 or POST ${base}/dprs/api/token with client_id / client_secret`,
      `  catalogue      ${base}/dprs/catalog/resources   (operator token: npm run --silent dprs -- catalog token --role operator)`,
      ...workbenchBanner(ctx, base, accounts),
      '',
    ];
    return lines.join('\n') + '\n';
  };
}

export function registerServeCommands(program: Command): void {
  program
    .command('start')
    .description('first-run friendly: migrate, build the demo data if absent, serve')
    .action(async () => {
      const ctx = createContext(config());
      try {
        await migrateLatest(ctx.db);
        const demo = await ensureDemo(ctx);
        const accounts = await ensureDemoAccounts(ctx.db, DEMO_CONSUMER_ID);
        await serve(ctx, startBanner(ctx, demo.consumerSecret, accounts));
      } finally {
        await destroyContext(ctx);
      }
    });

  program
    .command('serve')
    .description('migrate to the latest schema and serve')
    .action(async () => {
      const ctx = createContext(config());
      try {
        await migrateLatest(ctx.db);
        await serve(ctx);
      } finally {
        await destroyContext(ctx);
      }
    });
}
