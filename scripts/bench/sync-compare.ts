/**
 * Two builds' first loads of the same source, alternated (./stats): what a change to the full
 * sync did, measured in one run. One source of --rows people and one gateway schema are built
 * (as `bench sync` builds them); before each load the library is emptied, with what a first load
 * leaves behind for its job (watermark, rejects, the library's 校核 differences), so every load
 * is a first load into an empty library. The other build is a checkout of another revision,
 * built (see ./compare); its migrations must be this build's.
 */
import type { Knex } from 'knex';
import { Build, buildsTable } from './compare';
import { alternated } from './stats';
import { BENCH_JOB, runChild, setUpSyncBench } from './sync';

export interface SyncCompareOptions {
  adminUrl: string;
  rows: number;
  pairs: number;
  /** the command line (dist/scripts/cli.js) of each build */
  cli: Record<Build, string>;
  log: (line: string) => void;
}

export interface FirstLoad {
  /** the child process, start-up included */
  seconds: number;
  /** the run's own span, as its sync_runs row records it */
  runSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

export interface SyncCompareRun {
  build: Build;
  result: FirstLoad;
}

/** The library and the job's state as they were before its first load. */
async function emptyLibrary(gw: Knex): Promise<void> {
  await gw.raw('truncate table `population`');
  await gw('sync_watermarks').where({ job_id: BENCH_JOB }).del();
  await gw('sync_rejects').where({ job_id: BENCH_JOB }).del();
  await gw('verification_differences').where({ library: 'population' }).del();
}

export async function runSyncCompare(opts: SyncCompareOptions): Promise<SyncCompareRun[]> {
  const { src, gw, env } = await setUpSyncBench(opts.adminUrl, opts.rows, opts.log);
  try {
    const runs: SyncCompareRun[] = [];
    for (const build of alternated<Build>(opts.pairs, 'before', 'after')) {
      await emptyLibrary(gw);
      const child = await runChild(['sync', 'run', BENCH_JOB, '--full'], env, opts.cli[build]);
      const last = await gw('sync_runs').where({ job_id: BENCH_JOB }).orderBy('id', 'desc').first('started_at', 'ended_at', 'status');
      if (last?.status !== 'succeeded') throw new Error(`${build}: the full run did not succeed (${last?.status ?? 'no run'}): ${child.out.slice(-300)}`);
      const result = { seconds: child.seconds, runSeconds: (Number(last.ended_at) - Number(last.started_at)) / 1000, cpuSeconds: child.cpuSeconds, peakRssMb: Math.round(child.peakKb / 1024) };
      opts.log(`${build.padEnd(6)}  ${result.seconds.toFixed(1)} s (the run ${result.runSeconds.toFixed(1)} s), ${result.cpuSeconds.toFixed(1)} s CPU, peak RSS ${result.peakRssMb} MB`);
      runs.push({ build, result });
    }
    return runs;
  } finally {
    await src.destroy();
    await gw.destroy();
  }
}

export function syncCompareSummary(runs: readonly SyncCompareRun[]): string {
  return buildsTable(runs, [
    { label: 's', of: (r) => r.seconds, digits: 1 },
    { label: 'run s', of: (r) => r.runSeconds, digits: 1 },
    { label: 'CPU s', of: (r) => r.cpuSeconds, digits: 1 },
    { label: 'peak RSS MB', of: (r) => r.peakRssMb, digits: 0 },
  ]);
}
