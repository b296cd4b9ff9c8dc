/** dprs audit verify | prune | who: the operator's tools over the lookup audit log. */
import type { Command } from 'commander';
import { queryKeyHash } from '../../gateway/auditing/chain';
import { lookupsOfKey, pruneAudit } from '../../gateway/auditing/store';
import { anchorFile, takeAnchor, verifyAnchoredChain } from '../../gateway/auditing/anchors';
import { auditChainKey } from '../../gateway/auditing/chain';
import { listOperatorActions } from '../../gateway/auditing/operator-actions';
import { canonicalQueryKey, guessKeyKind, KeyKind } from '../../gateway/auditing/query-key';
import { positiveInt, withContext } from './common';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the lookup audit log');

  audit
    .command('verify')
    .description('check the keyed hash chain and its anchors; reports every edited, deleted or reordered range')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const result = await withContext((ctx) => verifyAnchoredChain(ctx.db, ctx.config.auditKey, ctx.config.dataDir));
      if (opts.json) process.stdout.write(JSON.stringify(result) + '\n');
      else if (result.ok) process.stdout.write(`审计链完整：${result.rows} 条记录，末条编号 ${result.lastId}，核对锚点 ${result.anchorsChecked} 个\n`);
      else {
        process.stdout.write(`审计链被破坏：${result.problems.length} 处；完好 ${result.rows} 条\n`);
        for (const p of result.problems) {
          const range = p.fromId === p.toId ? `编号 ${p.fromId}` : `编号 ${p.fromId}–${p.toId}`;
          process.stdout.write(`  ${p.position > 0 ? `第 ${p.position} 条起 ` : ''}${range}：${p.problem}\n`);
        }
      }
      process.exitCode = result.ok ? 0 : 1;
    });

  audit
    .command('anchor')
    .description('write the chain head (last id, hash, row count, time) to the log and append it to DATA_DIR/audit-anchors.log')
    .action(async () => {
      const a = await withContext((ctx) => takeAnchor(ctx.db, auditChainKey(ctx.config.auditKey), anchorFile(ctx.config.dataDir), ctx.log));
      process.stdout.write(`${JSON.stringify(a)}\n`);
    });

  audit
    .command('operators')
    .description('what operators did and read (catalogue decisions, consumer and sync-job changes, admin reads), newest first')
    .option('--actor <sub>', "one person's actions")
    .option('--limit <n>', 'at most this many (default 200, at most 1000)', positiveInt)
    .option('--json', 'machine-readable output')
    .action(async (opts: { actor?: string; limit?: number; json?: boolean }) => {
      const rows = await withContext((ctx) => listOperatorActions(ctx.db, { actor: opts.actor, limit: opts.limit }));
      if (opts.json) process.stdout.write(JSON.stringify(rows) + '\n');
      else if (rows.length === 0) process.stdout.write('没有操作记录\n');
      else for (const r of rows) process.stdout.write(`${r.at}  ${r.actor} (${r.role})  ${r.action}  ${r.target}${r.detail ? '  ' + JSON.stringify(r.detail) : ''}\n`);
    });

  audit
    .command('prune')
    .description('delete rows older than the retention period (AUDIT_RETENTION_DAYS, at least 180)')
    .option('--days <n>', 'retention in days (default: AUDIT_RETENTION_DAYS)', positiveInt)
    .action(async (opts: { days?: number }) => {
      const n = await withContext((ctx) => pruneAudit(ctx.db, opts.days ?? ctx.config.auditRetentionDays));
      process.stdout.write(`已清理 ${n} 条过期审计记录\n`);
    });

  audit
    .command('who <key>')
    .description('who looked up this ID number or credit code (or --licence number, --name of an organisation), when and why')
    .option('--licence', 'the key is a licence number (证照编号)')
    .option('--name', 'the key is an organisation name (机构名称)')
    .option('--json', 'machine-readable output')
    .action(async (key: string, opts: { json?: boolean; licence?: boolean; name?: boolean }) => {
      const kind: KeyKind = opts.licence ? 'zzbh' : opts.name ? 'jgmc' : guessKeyKind(key);
      const canonical = canonicalQueryKey(kind, key);
      if ('error' in canonical) {
        process.stderr.write(`${canonical.error}\n`);
        process.exitCode = 2;
        return;
      }
      const rows = await withContext((ctx) => lookupsOfKey(ctx.db, queryKeyHash(ctx.config.auditKey, canonical.value)));
      if (opts.json) {
        process.stdout.write(JSON.stringify(rows) + '\n');
        return;
      }
      if (rows.length === 0) process.stdout.write('没有查询记录\n');
      for (const r of rows) {
        process.stdout.write(`${new Date(r.at).toISOString()}  ${r.consumerId ?? '-'}  ${r.method}/${r.interface}  ${r.resultCode}  ${r.purpose ?? ''}\n`);
      }
    });
}
