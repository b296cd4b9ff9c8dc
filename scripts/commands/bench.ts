/**
 * dprs bench [all] | http | compare | audit-wait | sync | sync-compare | pipeline | audit:
 * benchmarks (not tests). http and sync write their figures, with the command and machine, into
 * their own sections of BENCHMARKS.md; compare, audit-wait, sync-compare, pipeline and audit
 * print theirs. `npm run
 * bench` runs http, sync and the catalogue search.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { benchSync, SyncBenchResult } from '../bench/sync';
import { CLI, DEFAULT_AUDIT_ROWS, DEFAULT_PAIRS, runHttpBench } from '../bench/http';
import { pipelineSummary, runPipelineBench } from '../bench/pipeline';
import { auditSummary, runAuditBench, searchSummary } from '../bench/audit';
import { haveWrk } from '../bench/wrk';
import { builtCli, compareSummary, runCompare } from '../bench/compare';
import { auditWaitSummary, runAuditWait } from '../bench/audit-wait';
import { runSyncCompare, syncCompareSummary } from '../bench/sync-compare';
import { table, writeSection } from '../bench/report';
import { positiveInt } from './common';

/**
 * The ratios both sync reports print: full ÷ dump (throughput), the library pipe ÷ the full run
 * (time), and the incremental's share of the full run in % (run against run, process against process).
 */
function syncRatios(r: SyncBenchResult) {
  return {
    full: r.full.rowsPerSecond / r.dump.rowsPerSecond,
    libraryPipe: r.libraryDump.seconds / r.full.seconds,
    incrementalRun: (r.incremental.runSeconds / r.full.runSeconds) * 100,
    incrementalProcess: (r.incremental.seconds / r.full.seconds) * 100,
  };
}

function syncSection(r: SyncBenchResult): string {
  const x = syncRatios(r);
  const fits = r.server.bufferPoolMb >= r.server.tablesMb;
  return [
    '## Sync, latest `npm run bench` run',
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${r.machine}. Command: \`npm run bench\` (or \`node dist/scripts/cli.js bench sync --mysql-url … --rows ${r.rows}\`); method as in the Sync section above.`,
    '',
    table(
      ['measure', 'figure', 'goal', 'met?'],
      [
        [`full sync, ${r.rows.toLocaleString('en')} rows`, `${r.full.seconds.toFixed(1)} s (the run ${r.full.runSeconds.toFixed(1)} s), ${r.full.rowsPerSecond.toLocaleString('en')} rows/s`, '', ''],
        ['`mariadb-dump \\| mariadb` (baseline)', `${r.dump.seconds.toFixed(1)} s, ${r.dump.rowsPerSecond.toLocaleString('en')} rows/s`, '', ''],
        ['full ÷ dump', x.full.toFixed(2), '≥ 0.8', x.full >= 0.8 ? 'yes' : 'no'],
        ['the same pipe copying the library table the run wrote (not the goal: its output alone)', `${r.libraryDump.seconds.toFixed(1)} s = ${x.libraryPipe.toFixed(2)} × the full run's time`, '', ''],
        ['full peak RSS', `${r.full.peakRssMb} MB`, '≤ 200 MB', r.full.peakRssMb <= 200 ? 'yes' : 'no'],
        [`1 % incremental (${r.incremental.changed.toLocaleString('en')} changed, ${r.incremental.rowsRead.toLocaleString('en')} read)`, `${r.incremental.seconds.toFixed(2)} s (the run ${r.incremental.runSeconds.toFixed(2)} s)`, '', ''],
        ['incremental ÷ full, run against run (as the scheduler runs them)', `${x.incrementalRun.toFixed(1)} %`, '≤ 3 %', x.incrementalRun <= 3 ? 'yes' : 'no'],
        ['incremental ÷ full, process against process (start-up included)', `${x.incrementalProcess.toFixed(1)} %`, '', ''],
        ['MariaDB buffer pool ÷ source + library tables', `${r.server.bufferPoolMb} MiB ÷ ${r.server.tablesMb} MiB`, '', fits ? 'holds them' : 'does not hold them: the incremental reads pages from disk'],
      ],
    ),
  ].join('\n');
}

async function runSyncBench(mysqlUrl: string, rows: number): Promise<SyncBenchResult> {
  const r = await benchSync(mysqlUrl, rows, (s) => process.stderr.write(s + '\n'));
  writeSection('sync-run', syncSection(r));
  return r;
}

/** The catalogue search benchmark prints its figures (SQLite; see BENCHMARKS.md for MariaDB). */
function runCatalogBench(): void {
  const r = spawnSync(process.execPath, [path.resolve(__dirname, '..', 'bench', 'catalog.js')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('catalogue benchmark failed');
}

function lookupInterface(v: string): 'json' | 'soap' {
  if (v !== 'json' && v !== 'soap') throw new InvalidArgumentError('应为 json 或 soap');
  return v;
}

/** "0,1,2,4": milliseconds, each a whole number */
function waitList(v: string): number[] {
  if (!/^\d+(,\d+)*$/.test(v)) throw new InvalidArgumentError('应为以逗号分隔的毫秒数，如 0,1,2,4');
  return [...new Set(v.split(',').map(Number))];
}

function requireWrk(): void {
  if (!haveWrk()) throw new Error('wrk is not installed: apt-get install -y wrk');
}

export function registerBenchCommand(program: Command): void {
  const bench = program.command('bench').description('benchmarks (not tests); figures go to BENCHMARKS.md');

  bench
    .command('all', { isDefault: true })
    .description('lookups vs the bare stack (SQLite and MariaDB), sync at 1,000,000 rows, catalogue search')
    .requiredOption('--mysql-url <url>', 'a MariaDB account that may create dprs_bench_* schemas', process.env.MYSQL_URL)
    .option('--rows <n>', 'people in the sync source table', positiveInt, 1000000)
    .option('--seconds <n>', 'seconds per load test', positiveInt, 15)
    .action(async (opts: { mysqlUrl: string; rows: number; seconds: number }) => {
      requireWrk();
      const log = (s: string) => process.stderr.write(s + '\n');
      process.stdout.write((await runHttpBench({ seconds: opts.seconds, warmupSeconds: 3, connections: 50, mysqlUrl: opts.mysqlUrl, log, auditRows: DEFAULT_AUDIT_ROWS, pairs: DEFAULT_PAIRS })) + '\n');
      process.stdout.write(syncSection(await runSyncBench(opts.mysqlUrl, opts.rows)) + '\n');
      runCatalogBench();
    });

  bench
    .command('http')
    .description('JSON and SOAP getRKZP through the gateway vs bare express / bare node-soap (wrk, 50 connections)')
    .option('--mysql-url <url>', 'also measure the gateway on MariaDB (a schema dprs_bench_* is made and dropped)', process.env.MYSQL_URL)
    .option('--seconds <n>', 'seconds per load test', positiveInt, 15)
    .option('--connections <n>', 'concurrent connections', positiveInt, 50)
    .option('--profile <dir>', 'also CPU-profile each gateway run into <dir> and print self time by package / module')
    .option('--audit-rows <n>', 'audit rows in the log before the gateway is measured (about a year of a district\'s lookups)', positiveInt, DEFAULT_AUDIT_ROWS)
    .option('--pairs <n>', 'pairs of runs (bare server, gateway) per scenario; each figure the median', positiveInt, DEFAULT_PAIRS)
    .action(async (opts: { mysqlUrl?: string; seconds: number; connections: number; profile?: string; auditRows: number; pairs: number }) => {
      requireWrk();
      const md = await runHttpBench({
        seconds: opts.seconds,
        warmupSeconds: 3,
        connections: opts.connections,
        mysqlUrl: opts.mysqlUrl ?? null,
        log: (s) => process.stderr.write(s + '\n'),
        profileDir: opts.profile ? path.resolve(opts.profile) : undefined,
        auditRows: opts.auditRows,
        pairs: opts.pairs,
      });
      process.stdout.write(md + '\n');
    });

  bench
    .command('compare')
    .description('two builds of the gateway under the same lookup load, alternated (wrk): medians of each and after ÷ before; prints only')
    .requiredOption('--before <checkout>', 'a built checkout of the other revision (its dist/scripts/cli.js)')
    .option('--after <checkout>', 'a built checkout to compare with it (default: this build)')
    .option('--interface <kind>', 'json or soap (getRKZP)', lookupInterface, 'soap' as const)
    .option('--mysql-url <url>', 'on MariaDB (a schema dprs_bench_cmp_* is made and dropped) instead of SQLite')
    .option('--pairs <n>', 'runs of each build', positiveInt, 3)
    .option('--seconds <n>', 'seconds per load test', positiveInt, 10)
    .option('--audit-rows <n>', 'audit rows in the log before the runs', positiveInt, 100000)
    .action(async (opts: { before: string; after?: string; interface: 'json' | 'soap'; mysqlUrl?: string; pairs: number; seconds: number; auditRows: number }) => {
      requireWrk();
      const runs = await runCompare({
        cli: { before: builtCli(opts.before), after: opts.after ? builtCli(opts.after) : CLI },
        iface: opts.interface,
        mysqlUrl: opts.mysqlUrl ?? null,
        pairs: opts.pairs,
        seconds: opts.seconds,
        warmupSeconds: 3,
        connections: 50,
        auditRows: opts.auditRows,
        log: (s) => process.stderr.write(s + '\n'),
      });
      process.stdout.write(compareSummary(runs) + '\n');
    });

  bench
    .command('audit-wait')
    .description('what the wait for the audit\'s commit costs: bare node-soap (or express), the gateway, and the gateway with a timer of each length in place of its audit commit (0: no audit), in turns (wrk); prints only')
    .option('--interface <kind>', 'json or soap (getRKZP)', lookupInterface, 'soap' as const)
    .option('--mysql-url <url>', 'on MariaDB (a schema dprs_bench_wait_* is made and dropped) instead of SQLite')
    .option('--waits <ms,…>', 'timers in place of the audit\'s commit, in ms (0: no audit)', waitList, [0, 1, 2, 4])
    .option('--rounds <n>', 'rounds: each arm runs twice a round, forwards and backwards', positiveInt, 1)
    .option('--seconds <n>', 'seconds per load test', positiveInt, 12)
    .option('--audit-rows <n>', 'audit rows in the log before the runs', positiveInt, 100000)
    .action(async (opts: { interface: 'json' | 'soap'; mysqlUrl?: string; waits: number[]; rounds: number; seconds: number; auditRows: number }) => {
      requireWrk();
      const runs = await runAuditWait({
        iface: opts.interface,
        mysqlUrl: opts.mysqlUrl ?? null,
        waits: opts.waits,
        rounds: opts.rounds,
        seconds: opts.seconds,
        warmupSeconds: 2,
        connections: 50,
        auditRows: opts.auditRows,
        log: (s) => process.stderr.write(s + '\n'),
      });
      process.stdout.write(auditWaitSummary(runs) + '\n');
    });

  bench
    .command('sync-compare')
    .description('two builds\' first loads of one source (MariaDB → MariaDB, the library emptied before each), alternated: medians of each and after ÷ before; prints only')
    .requiredOption('--before <checkout>', 'a built checkout of the other revision (its dist/scripts/cli.js)')
    .option('--after <checkout>', 'a built checkout to compare with it (default: this build)')
    .requiredOption('--mysql-url <url>', 'a MariaDB account that may create dprs_bench_* schemas', process.env.MYSQL_URL)
    .option('--rows <n>', 'people in the source table', positiveInt, 1000000)
    .option('--pairs <n>', 'runs of each build', positiveInt, 3)
    .action(async (opts: { before: string; after?: string; mysqlUrl: string; rows: number; pairs: number }) => {
      const runs = await runSyncCompare({
        adminUrl: opts.mysqlUrl,
        rows: opts.rows,
        pairs: opts.pairs,
        cli: { before: builtCli(opts.before), after: opts.after ? builtCli(opts.after) : CLI },
        log: (s) => process.stderr.write(s + '\n'),
      });
      process.stdout.write(syncCompareSummary(runs) + '\n');
    });

  bench
    .command('pipeline')
    .description('the lookup pipeline in process (no HTTP): CPU µs per JSON getRKZP call, round by round; prints only')
    .option('--mysql-url <url>', 'on MariaDB (a schema dprs_bench_pipe_* is made and dropped) instead of SQLite')
    .option('--rounds <n>', 'measured rounds', positiveInt, 5)
    .option('--calls <n>', 'calls per round', positiveInt, 4000)
    .option('--concurrency <n>', 'calls in flight', positiveInt, 50)
    .action(async (opts: { mysqlUrl?: string; rounds: number; calls: number; concurrency: number }) => {
      const perCall = await runPipelineBench({ ...opts, mysqlUrl: opts.mysqlUrl ?? null, log: (s) => process.stderr.write(s + '\n') });
      process.stdout.write(pipelineSummary(perCall) + '\n');
    });

  bench
    .command('audit')
    .description('the audit append in process: µs per row — on SQLite with WAL checkpoints on the connection vs in the worker, or on MariaDB — then who looked a key up over that log: ms per search; prints only')
    .option('--mysql-url <url>', 'on MariaDB (a schema dprs_bench_audit_* is made and dropped) instead of SQLite')
    .option('--rounds <n>', 'rounds of each', positiveInt, 4)
    .option('--batches <n>', 'group commits per round', positiveInt, 600)
    .option('--rows <n>', 'rows per commit (≈ the batch at saturation)', positiveInt, 35)
    .action(async (opts: { mysqlUrl?: string; rounds: number; batches: number; rows: number }) => {
      const { rounds, search } = await runAuditBench({ ...opts, mysqlUrl: opts.mysqlUrl ?? null });
      process.stdout.write(`${auditSummary(rounds)}\n${searchSummary(search)}\n`);
    });

  bench
    .command('sync')
    .description('full and 1 % incremental sync MariaDB → MariaDB against mariadb-dump | mariadb')
    .requiredOption('--mysql-url <url>', 'a MariaDB account that may create dprs_bench_* schemas', process.env.MYSQL_URL)
    .option('--rows <n>', 'people in the source table', positiveInt, 1000000)
    .action(async (opts: { mysqlUrl: string; rows: number }) => {
      const r = await runSyncBench(opts.mysqlUrl, opts.rows);
      const x = syncRatios(r);
      const lines = [
        `machine            ${r.machine}`,
        `rows               ${r.rows} (source built in ${r.buildSeconds.toFixed(0)} s)`,
        `full sync          ${r.full.seconds.toFixed(1)} s (the run ${r.full.runSeconds.toFixed(1)} s), ${r.full.rowsPerSecond} rows/s, peak RSS ${r.full.peakRssMb} MB`,
        `dump | load        ${r.dump.seconds.toFixed(1)} s, ${r.dump.rowsPerSecond} rows/s`,
        `full / dump        ${x.full.toFixed(2)} (goal ≥ 0.8)`,
        `library table pipe ${r.libraryDump.seconds.toFixed(1)} s = ${x.libraryPipe.toFixed(2)} × the full run's time`,
        `1 % incremental    ${r.incremental.changed} changed, ${r.incremental.rowsRead} read, ${r.incremental.seconds.toFixed(2)} s (the run ${r.incremental.runSeconds.toFixed(2)} s) = ${x.incrementalProcess.toFixed(1)} % of full process, ${x.incrementalRun.toFixed(1)} % run against run (goal ≤ 3 %), peak RSS ${r.incremental.peakRssMb} MB`,
        `buffer pool        ${r.server.bufferPoolMb} MiB for ${r.server.tablesMb} MiB of source + library`,
      ];
      process.stdout.write(lines.join('\n') + '\n' + JSON.stringify(r) + '\n');
    });
}
