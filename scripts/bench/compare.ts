/**
 * Two builds of the gateway under the same lookup load, alternated: what a change did, measured
 * in one run. The builds take turns — before, after, then after, before (./stats) — and each
 * build's figure is the median of its runs. The other build is a checkout of another revision, built:
 *
 *   git worktree add /tmp/before <rev> && ln -s "$PWD/node_modules" /tmp/before/
 *   (cd /tmp/before && npm run build)
 *   node dist/scripts/cli.js bench compare --before /tmp/before [--interface soap] [--mysql-url …]
 *
 * One database is prepared by this build (demo data, an audit log of --audit-rows rows) and each
 * build serves it in turn, so a before build that needs other migrations cannot be compared.
 */
import fs from 'node:fs';
import path from 'node:path';
import { table } from './report';
import { alternated, median } from './stats';
import { Measured, measureInTurns, startGateway, withLookupLoad } from './http';

export type Build = 'before' | 'after';

export interface CompareOptions {
  /** the command line (dist/scripts/cli.js) of each build */
  cli: Record<Build, string>;
  iface: 'json' | 'soap';
  mysqlUrl: string | null;
  pairs: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  auditRows: number;
  log: (line: string) => void;
}

export interface CompareRun {
  build: Build;
  result: Measured;
}

/** A checkout's built command line, or an error naming what is missing. */
export function builtCli(checkout: string): string {
  const cli = path.resolve(checkout, 'dist', 'scripts', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error(`${cli} not found: build the checkout first (npm run build in it)`);
  return cli;
}

export async function runCompare(opts: CompareOptions): Promise<CompareRun[]> {
  return withLookupLoad({ ...opts, schemaPrefix: 'dprs_bench_cmp' }, async (load) => {
    const order = alternated<Build>(opts.pairs, 'before', 'after');
    const runs = await measureInTurns(order, (build) => startGateway(load.env, undefined, opts.cli[build]), load, opts);
    return runs.map(({ key, result }) => ({ build: key, result }));
  });
}

/** One figure of a run, as the comparison table shows it. */
export interface Figure<R> {
  label: string;
  of: (run: R) => number;
  digits: number;
}

/**
 * Two builds' runs side by side: for each figure every run's value, in the order run, then each
 * build's median and after ÷ before of the medians.
 */
export function buildsTable<R>(runs: ReadonlyArray<{ build: Build; result: R }>, figures: ReadonlyArray<Figure<R>>): string {
  const of = (build: Build) => runs.filter((r) => r.build === build).map((r) => r.result);
  const medianOf = (build: Build, f: Figure<R>) => median(of(build).map(f.of));
  const row = (b: Build) => [b, ...figures.map((f) => of(b).map((r) => f.of(r).toFixed(f.digits)).join(' / ')), ...figures.map((f) => medianOf(b, f).toFixed(f.digits))];
  return table(
    ['build', ...figures.map((f) => `${f.label} (each run)`), ...figures.map((f) => `median ${f.label}`)],
    [row('before'), row('after'), ['after ÷ before', ...figures.map(() => ''), ...figures.map((f) => (medianOf('after', f) / medianOf('before', f)).toFixed(2))]],
  );
}

/** Each build's runs and medians, and after ÷ before. */
export function compareSummary(runs: readonly CompareRun[]): string {
  return buildsTable(runs, [
    { label: 'req/s', of: (r) => r.requestsPerSec, digits: 0 },
    { label: 'p99 ms', of: (r) => r.p99Ms, digits: 1 },
    { label: 'CPU µs a request', of: (r) => r.cpuUsPerRequest, digits: 0 },
  ]);
}
