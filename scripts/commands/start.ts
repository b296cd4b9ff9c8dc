/** start: the first-run friendly way in — migrate, build the demo data if absent, serve, print where to look. */
import type { Command } from 'commander';
import type { AppContext } from '../../gateway/context';
import { demoConsumerFile, ensureDemo, DEMO_CONSUMER_ID } from '../demo';
import { serveUntilSignal, withMigratedContext } from './common';
import { DemoCredential, ensureDemoAccounts } from '../../gateway/accounts/demo';

/** Workbench lines: where to sign in and, on the first start only, the demo accounts' one-time passwords. */
function workbenchBanner(base: string, accounts: DemoCredential[]): string[] {
  const lines = [`  workbench      ${base}/dprs/workbench/   (dprs user add|disable|reset|list)`];
  for (const a of accounts) lines.push(`    ${a.username.padEnd(14)} ${a.roleName}  one-time password ${a.password}`);
  if (accounts.length > 0) lines.push('    (shown this once; each account sets its own password, and operator / auditor their authenticator, at first sign-in)');
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
      `  校核差异       npm run --silent dprs -- verify list   or ${base}/dprs/admin/verify/differences (operator token)`,
      ...workbenchBanner(base, accounts),
      '',
    ];
    return lines.join('\n') + '\n';
  };
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('first-run friendly: migrate, build the demo data if absent, serve')
    .action(() =>
      withMigratedContext(async (ctx) => {
        const demo = await ensureDemo(ctx);
        const accounts = await ensureDemoAccounts(ctx.db, DEMO_CONSUMER_ID);
        await serveUntilSignal(ctx, startBanner(ctx, demo.consumerSecret, accounts));
      }),
    );
}
