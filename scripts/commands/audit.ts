/** dprs audit verify | prune | who: the operator's tools over the lookup audit log. */
import type { Command } from 'commander';
import { queryKeyHash } from '../../gateway/auditing/chain';
import { lookupsOfKey, pruneAudit, verifyChain } from '../../gateway/auditing/store';
import { parseCreditCode, parseIdNumber } from '../../schemas/checksums';
import { positiveInt, withContext } from './common';

/** The canonical form of a looked-up key, as the lookups hash it. */
export function canonicalQueryKey(raw: string): string {
  const id = parseIdNumber(raw);
  if ('value' in id) return id.value;
  const code = parseCreditCode(raw);
  if ('value' in code) return code.value;
  return raw.trim().toUpperCase();
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the lookup audit log');

  audit
    .command('verify')
    .description('check the hash chain; reports the first edited, deleted or reordered row')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const result = await withContext((ctx) => verifyChain(ctx.db));
      if (opts.json) process.stdout.write(JSON.stringify(result) + '\n');
      else if (result.ok) process.stdout.write(`审计链完整：${result.rows} 条记录，末条编号 ${result.lastId}\n`);
      else process.stdout.write(`审计链被破坏：第 ${result.position} 条（编号 ${result.id}）${result.problem}；此前 ${result.rows} 条完好\n`);
      process.exitCode = result.ok ? 0 : 1;
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
    .description('who looked up this ID number, credit code or licence number, when and why')
    .option('--json', 'machine-readable output')
    .action(async (key: string, opts: { json?: boolean }) => {
      const rows = await withContext((ctx) => lookupsOfKey(ctx.db, queryKeyHash(ctx.config.auditKey, canonicalQueryKey(key))));
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
