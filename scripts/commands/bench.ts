/** dprs bench sync: the sync throughput benchmark (see scripts/bench/sync.ts and BENCHMARKS.md). */
import type { Command } from 'commander';
import { benchSync } from '../bench/sync';
import { positiveInt } from './common';

export function registerBenchCommand(program: Command): void {
  const bench = program.command('bench').description('benchmarks (not tests)');
  bench
    .command('sync')
    .description('full and 1 % incremental sync MariaDB → MariaDB against mariadb-dump | mariadb')
    .requiredOption('--mysql-url <url>', 'a MariaDB account that may create dprs_bench_* schemas', process.env.MYSQL_URL)
    .option('--rows <n>', 'people in the source table', positiveInt, 1000000)
    .action(async (opts: { mysqlUrl: string; rows: number }) => {
      const r = await benchSync(opts.mysqlUrl, opts.rows, (s) => process.stderr.write(s + '\n'));
      const ratio = r.full.rowsPerSecond / r.dump.rowsPerSecond;
      const lines = [
        `machine            ${r.machine}`,
        `rows               ${r.rows} (source built in ${r.buildSeconds.toFixed(0)} s)`,
        `full sync          ${r.full.seconds.toFixed(1)} s, ${r.full.rowsPerSecond} rows/s, peak RSS ${r.full.peakRssMb} MB`,
        `dump | load        ${r.dump.seconds.toFixed(1)} s, ${r.dump.rowsPerSecond} rows/s`,
        `full / dump        ${ratio.toFixed(2)} (goal ≥ 0.8)`,
        `1 % incremental    ${r.incremental.changed} changed, ${r.incremental.rowsRead} read, ${r.incremental.seconds.toFixed(1)} s = ${((r.incremental.seconds / r.full.seconds) * 100).toFixed(1)} % of full (goal ≤ 3 %), peak RSS ${r.incremental.peakRssMb} MB`,
      ];
      process.stdout.write(lines.join('\n') + '\n' + JSON.stringify(r) + '\n');
    });
}
