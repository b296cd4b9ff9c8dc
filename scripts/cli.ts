#!/usr/bin/env node
/**
 * The `dprs` command line. Each command loads the configuration once; a configuration error
 * names the variable and exits 2 before anything starts.
 */
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, Config } from '../gateway/config';
import { createContext, destroyContext } from '../gateway/bootstrap';
import { migrateLatest, migrateRollbackAll, openKnex } from '../gateway/store/db';
import { startServer } from '../gateway/server';
import type { AppContext } from '../gateway/context';
import { buildFrontendDemoFile, ensureDemo, frontendDemoFile, DEMO_CONSUMER_ID } from './demo';
import { createFrontendTables, DEFAULT_DEMO_SIZE, fillFrontend } from './demo/frontend';
import { parseLicensingItems } from '../catalog/gazette';

function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

function positiveInt(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('必须是非负整数');
  return Number(v);
}

async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = createContext(config());
  try {
    return await fn(ctx);
  } finally {
    await destroyContext(ctx);
  }
}

/** Serves until SIGTERM/SIGINT, then shuts down gracefully. */
async function serve(ctx: AppContext, banner?: (port: number) => string): Promise<void> {
  const running = await startServer(ctx);
  ctx.log.info({ port: running.port }, 'dprs listening');
  if (banner) process.stdout.write(banner(running.port));
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      ctx.log.info({ signal }, 'shutting down');
      running.close().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

function startBanner(ctx: AppContext, secret: string | null): (port: number) => string {
  return (port) => {
    const base = ctx.config.publicUrl.includes(`:${ctx.config.port}`) ? ctx.config.publicUrl.replace(`:${ctx.config.port}`, `:${port}`) : ctx.config.publicUrl;
    const lines = [
      '',
      'dprs 周村区信息共享交换网关 is running',
      `  health         ${base}/healthz   ${base}/readyz`,
      `  portal         ${base}/portal/`,
      `  WSDL           ${base}/dprs/webService/DataService?wsdl`,
      `  OpenAPI        ${base}/dprs/api/openapi.json`,
      `  demo consumer  ${DEMO_CONSUMER_ID}${secret ? `  secret ${secret}` : ''}`,
      `  get a token    npm run --silent dprs -- token issue`,
      `                 or POST ${base}/dprs/api/token with client_id / client_secret`,
      '',
    ];
    return lines.join('\n') + '\n';
  };
}

const program = new Command();
program.name('dprs').description('周村区信息共享交换网关 dprs').showHelpAfterError();

program
  .command('start')
  .description('first-run friendly: migrate, build the demo data if absent, serve')
  .action(async () => {
    const ctx = createContext(config());
    try {
      await migrateLatest(ctx.db);
      const demo = await ensureDemo(ctx);
      await serve(ctx, startBanner(ctx, demo.consumerSecret));
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

program
  .command('migrate')
  .description('apply pending migrations (or roll all back)')
  .option('--rollback', 'roll back every migration')
  .action(async (opts: { rollback?: boolean }) => {
    await withContext(async (ctx) => {
      if (opts.rollback) {
        await migrateRollbackAll(ctx.db);
        process.stdout.write('rolled back\n');
      } else {
        const applied = await migrateLatest(ctx.db);
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'already up to date\n');
      }
    });
  });

program
  .command('demo')
  .description('build the demo front-end database and fill the base libraries')
  .option('--people <n>', 'people in the 公安 table', positiveInt, DEFAULT_DEMO_SIZE.people)
  .option('--entities <n>', 'legal entities in the 工商 table', positiveInt, DEFAULT_DEMO_SIZE.entities)
  .option('--licences <n>', 'licences in the licence table', positiveInt, DEFAULT_DEMO_SIZE.licences)
  .option('--seed <n>', 'random seed (same seed, same data)', positiveInt, DEFAULT_DEMO_SIZE.seed)
  .option('--frontend-url <url>', 'write the front-end tables to this MySQL database instead of the demo SQLite file')
  .option('--frontend-only', 'only build the front-end database')
  .action(async (opts: { people: number; entities: number; licences: number; seed: number; frontendUrl?: string; frontendOnly?: boolean }) => {
    const size = { people: opts.people, entities: opts.entities, licences: opts.licences, seed: opts.seed };
    const progress = (table: string, done: number, total: number) => {
      if (process.stderr.isTTY) process.stderr.write(`\r${table} ${done}/${total}   `);
    };
    if (opts.frontendUrl) {
      const fe = openKnex({ client: 'mysql', url: opts.frontendUrl });
      try {
        await createFrontendTables(fe);
        await fillFrontend(fe, size, parseLicensingItems(), progress);
      } finally {
        await fe.destroy();
      }
      process.stdout.write(`front-end tables written to ${opts.frontendUrl.replace(/:[^:@/]*@/, ':***@')}\n`);
      return;
    }
    const cfg = config();
    const file = frontendDemoFile(cfg.dataDir);
    await buildFrontendDemoFile(file, size, progress);
    process.stdout.write(`\nfront-end database: ${file}\n`);
    if (opts.frontendOnly) return;
    await withContext(async (ctx) => {
      await migrateLatest(ctx.db);
      const state = await ensureDemo(ctx, size);
      process.stdout.write(`base libraries: ${JSON.stringify(state.copied ?? 'already filled')}\n`);
    });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  // driver errors can quote whole statements: keep the message short and free of data
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`dprs: ${msg.length > 300 ? msg.slice(0, 300) + '…' : msg}\n`);
  process.exit(1);
});
