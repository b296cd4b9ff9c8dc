/**
 * `dprs bench compare` and `bench sync-compare` (scripts/bench/compare.ts, sync-compare.ts), the
 * parts that decide their figures: the order of the runs (alternated, so a drift of the machine
 * favours neither build), the medians and the after ÷ before line, and a checkout that was not
 * built named as such.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtCli, compareSummary, CompareRun } from '../../scripts/bench/compare';
import { alternated, median } from '../../scripts/bench/stats';
import { SyncCompareRun, syncCompareSummary } from '../../scripts/bench/sync-compare';

const run = (build: 'before' | 'after', requestsPerSec: number, p99Ms: number, cpuUsPerRequest: number): CompareRun => ({
  build,
  result: { requestsPerSec, p99Ms, cpuUsPerRequest, p50Ms: 1, requests: 1000, non2xx: 0, errors: 0 },
});

describe('bench compare', () => {
  it('alternates which build goes first, and runs each as often', () => {
    expect(alternated(3, 'before', 'after')).toEqual(['before', 'after', 'after', 'before', 'before', 'after']);
    expect(alternated(1, 'before', 'after')).toEqual(['before', 'after']);
  });

  it('takes the median of an odd and of an even number of runs', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
  });

  it('prints each run, each build\'s medians and after ÷ before', () => {
    const out = compareSummary([run('before', 4000, 30, 250), run('after', 5000, 20, 200), run('after', 6000, 24, 180), run('before', 3000, 40, 300), run('before', 5000, 36, 260), run('after', 5500, 22, 190)]);
    const lines = out.split('\n');
    expect(lines.find((l) => l.startsWith('| before'))).toBe('| before | 4000 / 3000 / 5000 | 30.0 / 40.0 / 36.0 | 250 / 300 / 260 | 4000 | 36.0 | 260 |');
    expect(lines.find((l) => l.startsWith('| after |'))).toBe('| after | 5000 / 6000 / 5500 | 20.0 / 24.0 / 22.0 | 200 / 180 / 190 | 5500 | 22.0 | 190 |');
    expect(lines.find((l) => l.startsWith('| after ÷ before'))).toBe('| after ÷ before |  |  |  | 1.38 | 0.61 | 0.73 |');
  });

  it('names a checkout that was not built', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dprs-compare-'));
    try {
      expect(() => builtCli(dir)).toThrow(/build the checkout first/);
      fs.mkdirSync(path.join(dir, 'dist', 'scripts'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'dist', 'scripts', 'cli.js'), '');
      expect(builtCli(dir)).toBe(path.join(dir, 'dist', 'scripts', 'cli.js'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bench sync-compare', () => {
  const load = (build: 'before' | 'after', seconds: number, cpuSeconds: number, peakRssMb: number): SyncCompareRun => ({
    build,
    result: { seconds, runSeconds: seconds - 0.5, cpuSeconds, peakRssMb },
  });

  it('prints each first load, each build\'s medians and after ÷ before', () => {
    const out = syncCompareSummary([load('before', 25.5, 20, 190), load('after', 23.2, 16.5, 180), load('after', 23, 17, 178), load('before', 24.1, 19, 186)]);
    const lines = out.split('\n');
    expect(lines[0]).toBe('| build | s (each run) | run s (each run) | CPU s (each run) | peak RSS MB (each run) | median s | median run s | median CPU s | median peak RSS MB |');
    expect(lines.find((l) => l.startsWith('| before'))).toBe('| before | 25.5 / 24.1 | 25.0 / 23.6 | 20.0 / 19.0 | 190 / 186 | 24.8 | 24.3 | 19.5 | 188 |');
    expect(lines.find((l) => l.startsWith('| after |'))).toBe('| after | 23.2 / 23.0 | 22.7 / 22.5 | 16.5 / 17.0 | 180 / 178 | 23.1 | 22.6 | 16.8 | 179 |');
    expect(lines.find((l) => l.startsWith('| after ÷ before'))).toBe('| after ÷ before |  |  |  |  | 0.93 | 0.93 | 0.86 | 0.95 |');
  });
});
