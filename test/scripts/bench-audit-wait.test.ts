/**
 * `dprs bench audit-wait` (scripts/bench/audit-wait.ts) and the server it measures
 * (audit-wait-server.ts): the order of the arms, the figures printed, and — since that server
 * answers lookups without writing their audit — that it serves no database but a bench's own.
 * The runs themselves need wrk and are the benchmark, not a test.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ArmRun, armOrder, auditWaitSummary, waitArm } from '../../scripts/bench/audit-wait';
import { isBenchDatabase, waitInstead } from '../../scripts/bench/audit-wait-server';

const WAIT_SERVER = path.resolve(__dirname, '../../dist/scripts/bench/audit-wait-server.js');

const run = (arm: string, requestsPerSec: number, p99Ms: number, cpuUsPerRequest: number): ArmRun => ({
  arm,
  result: { requestsPerSec, p99Ms, cpuUsPerRequest, p50Ms: 1, requests: 1000, non2xx: 0, errors: 0 },
});

describe('bench audit-wait', () => {
  it('runs every arm forwards then backwards, round after round', () => {
    expect(armOrder(2, ['bare', 'gateway', 'no audit'])).toEqual(['bare', 'gateway', 'no audit', 'no audit', 'gateway', 'bare', 'bare', 'gateway', 'no audit', 'no audit', 'gateway', 'bare']);
    expect([0, 4].map(waitArm)).toEqual(['no audit', '4 ms instead of the audit']);
  });

  it('prints each arm\'s runs, its medians and its median throughput ÷ the bare server\'s', () => {
    const out = auditWaitSummary([run('bare', 10000, 10, 100), run('gateway', 4000, 30, 170), run('no audit', 8000, 12, 110), run('no audit', 7000, 14, 120), run('gateway', 4400, 26, 160), run('bare', 8000, 12, 120)]);
    expect(out.split('\n')).toEqual([
      '| arm | req/s (each run) | CPU µs a request (each run) | median req/s | median p99 ms | median CPU µs a request | req/s ÷ bare |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| bare | 10000 / 8000 | 100 / 120 | 9000 | 11.0 | 110 | 1.00 |',
      '| gateway | 4000 / 4400 | 170 / 160 | 4200 | 28.0 | 165 | 0.47 |',
      '| no audit | 8000 / 7000 | 110 / 120 | 7500 | 13.0 | 115 | 0.83 |',
    ]);
  });
});

describe('the server without an audit', () => {
  it('takes only a bench schema on MySQL, or a SQLite file under the temporary folder', () => {
    const mysql = (url: string) => isBenchDatabase({ client: 'mysql', url, sqliteFile: '' });
    const sqlite = (file: string) => isBenchDatabase({ client: 'sqlite', url: null, sqliteFile: file });
    expect(mysql('mysql://u:p@127.0.0.1:3306/dprs_bench_wait_42')).toBe(true);
    expect(mysql('mysql://u:p@127.0.0.1:3306/dprs')).toBe(false);
    expect(mysql('mysql://u:p@127.0.0.1:3306/dprs_bench_')).toBe(false);
    expect(mysql('mysql://u:p@127.0.0.1:3306/dprs_benchmarks')).toBe(false);
    expect(sqlite(path.join(os.tmpdir(), 'dprs-bench-wait-1', 'gateway.db'))).toBe(true);
    // a production data folder (not the working directory: a checkout may itself lie in the temporary folder)
    expect(sqlite(path.join(path.parse(os.tmpdir()).root, 'srv', 'dprs', 'data', 'gateway.db'))).toBe(false);
    expect(sqlite(path.join(os.tmpdir(), '..', 'gateway.db'))).toBe(false);
  });

  it('refuses any other database before it connects', () => {
    const r = spawnSync(process.execPath, [WAIT_SERVER, '0'], {
      env: { ...process.env, DB_CLIENT: 'mysql', DATABASE_URL: 'mysql://dprs:secret@127.0.0.1:1/dprs', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 30000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/only on a dprs_bench_\* schema/);
  });

  it('stands in for the audit\'s commit with a timer of the length asked for, or none', async () => {
    jest.useFakeTimers();
    try {
      let done = false;
      void waitInstead(20)().then(() => (done = true));
      await jest.advanceTimersByTimeAsync(19);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(done).toBe(true);
      await expect(waitInstead(0)()).resolves.toBeUndefined();
    } finally {
      jest.useRealTimers();
    }
  });
});
