/**
 * dprs verify list|show|resolve: 校核差异 on the command line, as the operator (whoever runs
 * the CLI on the gateway host is). Chinese output, or --json.
 */
import os from 'node:os';
import type { Command } from 'commander';
import { migrate } from '../app/migrations';
import { ApiError } from '../../core/result-codes';
import type { Principal } from '../../catalog/principal';
import { listFor, parseDifferenceQuery, parseId, presentDifference, resolveFor, showFor, sourceName } from '../../adapters/verification/service';
import type { Difference } from '../../adapters/verification/store';
import { positiveInt, withContext } from './common';

function operator(by?: string): Principal & { sub: string } {
  return { role: 'operator', sub: by ?? `cli:${os.userInfo().username}` };
}

/** Bad input or an unknown id: the message, exit 2 / 1, no stack. */
async function guarded(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(err.kind === 'BAD_PARAM' ? 2 : 1);
  }
}

const when = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));
const shown = (v: string | null) => (v === null ? '（空）' : v);

function line(d: Difference): string {
  return `#${d.id}\t${d.library}.${d.item.toUpperCase()}\t${d.recordKey}\t权威 ${shown(d.authoritativeValue)}（${d.authoritativeJob ?? '无权威来源'}）\t` +
    `校核 ${shown(d.otherValue)}（${sourceName(d.source)}）\t${d.state}${d.closedAt !== null ? '·已一致' : ''}`;
}

function details(d: Difference): string {
  return [
    `校核差异 #${d.id}`,
    `  库/信息项    ${d.library}.${d.item.toUpperCase()}`,
    `  记录主键     ${d.recordKey}`,
    `  权威值       ${shown(d.authoritativeValue)}（来源任务 ${d.authoritativeJob ?? '-'}，部门 ${d.department ?? '-'}）`,
    `  校核值       ${shown(d.otherValue)}（来源 ${sourceName(d.source)}）`,
    `  状态         ${d.state}${d.closedAt !== null ? `（${when(d.closedAt)} 起已一致）` : ''}`,
    `  首次发现     ${when(d.firstSeen)}`,
    `  最近发现     ${when(d.lastSeen)}`,
    `  处理         ${d.resolvedBy ? `${d.resolvedBy} 于 ${when(d.resolvedAt)}${d.resolutionNote ? `：${d.resolutionNote}` : ''}` : '-'}`,
  ].join('\n');
}

export function registerVerifyCommands(program: Command): void {
  const verify = program.command('verify').description('多元校核：校核差异的查看与处理');

  verify
    .command('list')
    .description('list open differences (with counts per item and source)')
    .option('--library <name>', 'population / legal_entity / licence')
    .option('--item <item>', 'e.g. HJD')
    .option('--state <state>', '待核实 / 已确认 / 已忽略')
    .option('--source <source>', 'a verification job, or rule:<id>')
    .option('--closed', 'include differences whose values agree again')
    .option('--limit <n>', 'at most n rows (1–500)', positiveInt, 100)
    .option('--json', 'machine-readable output')
    .action(async (opts: { library?: string; item?: string; state?: string; source?: string; closed?: boolean; limit: number; json?: boolean }) => {
      await withContext(async (ctx) => {
        await migrate(ctx.db);
        await guarded(async () => {
          const query = await parseDifferenceQuery(ctx.db, { ...opts, closed: opts.closed ? '1' : undefined, limit: String(opts.limit) });
          const { differences, counts } = await listFor(ctx.db, operator(), query);
          if (opts.json) {
            process.stdout.write(JSON.stringify({ counts, differences: differences.map(presentDifference) }, null, 2) + '\n');
            return;
          }
          if (counts.length === 0) {
            process.stdout.write('没有校核差异\n');
            return;
          }
          process.stdout.write('按信息项和来源统计：\n');
          for (const c of counts) process.stdout.write(`  ${c.library}.${c.item.toUpperCase()}\t${sourceName(c.source)}\t${c.state}\t${c.count}\n`);
          process.stdout.write(`\n校核差异（${differences.length} 条${differences.length === query.page.limit ? '，更多请用 --limit' : ''}）：\n`);
          for (const d of differences) process.stdout.write(line(d) + '\n');
        });
      });
    });

  verify
    .command('show <id>')
    .description('one difference in full')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withContext(async (ctx) => {
        await migrate(ctx.db);
        await guarded(async () => {
          const d = await showFor(ctx.db, operator(), parseId(id));
          process.stdout.write(opts.json ? JSON.stringify(presentDifference(d), null, 2) + '\n' : details(d) + '\n');
        });
      });
    });

  verify
    .command('resolve <id>')
    .description('set the state of a difference: 待核实 / 已确认 / 已忽略')
    .requiredOption('--state <state>', '待核实 / 已确认 / 已忽略')
    .option('--note <text>', 'why (up to 500 characters)')
    .option('--by <name>', 'who resolves it (default: cli:<user>)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts: { state: string; note?: string; by?: string; json?: boolean }) => {
      await withContext(async (ctx) => {
        await migrate(ctx.db);
        await guarded(async () => {
          const d = await resolveFor(ctx.db, operator(opts.by), parseId(id), { state: opts.state, note: opts.note });
          process.stdout.write(opts.json ? JSON.stringify(presentDifference(d), null, 2) + '\n' : `已将校核差异 #${d.id} 置为 ${d.state}\n`);
        });
      });
    });
}
