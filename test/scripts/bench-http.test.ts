/**
 * `dprs bench http` (scripts/bench/http.ts), the parts that decide its verdicts: a scenario's
 * figures over its pairs of runs — medians, the ratios as medians of the pairs' ratios (not
 * ratios of medians: a pair compares what ran side by side), the goal judged on those — and
 * the row written for it. The runs themselves need wrk and are the benchmark, not a test.
 */
import { benchCommand, DEFAULT_AUDIT_ROWS, pairedFigures, pairedTable, Pair } from '../../scripts/bench/http';

const run = (requestsPerSec: number, p99Ms: number, cpuUsPerRequest: number) => ({ requestsPerSec, p99Ms, cpuUsPerRequest, p50Ms: p99Ms / 4, requests: 1000, non2xx: 0, errors: 0 });
const pair = (baseline: [number, number, number], gateway: [number, number, number]): Pair => ({ baseline: run(...baseline), gateway: run(...gateway) });

describe('bench http: a scenario measured in pairs', () => {
  // the machine slows down between the pairs: the gateway keeps ~0.6 of the baseline in each
  const drifting = [pair([10000, 10, 100], [6200, 19, 160]), pair([5000, 20, 200], [3000, 42, 330]), pair([8000, 12, 125], [4400, 25, 210])];

  it('takes each ratio as the median of the pairs\' ratios, each figure as the median of the runs', () => {
    const f = pairedFigures(drifting);
    expect(f.pairThroughputRatios.map((r) => r.toFixed(3))).toEqual(['0.620', '0.600', '0.550']);
    expect(f.throughputRatio).toBeCloseTo(0.6, 10);
    // the ratio of the medians (4400 ÷ 8000 = 0.55) would have failed a gateway that kept 0.6 in the middle pair
    expect(f.gateway.requestsPerSec / f.baseline.requestsPerSec).toBeCloseTo(0.55, 10);
    expect(f.p99Ratio).toBeCloseTo(2.08, 2); // 1.9, 2.1, 2.083…
    expect(f.cpuRatio).toBeCloseTo(0.606, 3); // 0.625, 0.606, 0.595
    expect(f.gateway).toEqual({ requestsPerSec: 4400, p50Ms: 6.25, p99Ms: 25, cpuUsPerRequest: 210 });
    expect(f.baseline).toEqual({ requestsPerSec: 8000, p99Ms: 12, cpuUsPerRequest: 125 });
  });

  it('meets the goal only with both medians within it: ≥ 0.6 × the throughput, p99 ≤ 2 ×', () => {
    expect(pairedFigures(drifting).met).toBe(false); // p99 2.08 ×
    const p99Within = drifting.map((p) => ({ ...p, gateway: { ...p.gateway, p99Ms: p.baseline.p99Ms * 2 } }));
    expect(pairedFigures(p99Within).met).toBe(true); // 0.6 and exactly 2 ×
    const slower = p99Within.map((p) => ({ ...p, gateway: { ...p.gateway, requestsPerSec: p.gateway.requestsPerSec * 0.99 } }));
    expect(pairedFigures(slower).met).toBe(false); // 0.594
  });

  it('writes a row with the medians, the ratios, the verdict and each pair\'s throughput ratio', () => {
    const out = pairedTable([{ name: 'SOAP getRKZP, gateway on SQLite', baseline: 'bare node-soap', figures: pairedFigures(drifting) }]);
    const row = out.split('\n').find((l) => l.startsWith('| SOAP'));
    expect(row).toBe('| SOAP getRKZP, gateway on SQLite | 4400 | 6.25 | 25.00 | 210 | bare node-soap | 8000 | 12.00 | 125 | 0.60 | 2.08 | 0.61 | no | 0.62 / 0.60 / 0.55 |');
  });

  it('names the command with the options that decided the figures, and no account', () => {
    const opts = { mysqlUrl: 'mysql://dprs:secret@127.0.0.1:3306/dprs', seconds: 10, connections: 50, pairs: 3, auditRows: DEFAULT_AUDIT_ROWS };
    expect(benchCommand(opts)).toBe('node dist/scripts/cli.js bench http --mysql-url mysql://… --seconds 10 --connections 50 --pairs 3');
    expect(benchCommand({ ...opts, mysqlUrl: null, auditRows: 1000 })).toBe('node dist/scripts/cli.js bench http --seconds 10 --connections 50 --pairs 3 --audit-rows 1000');
  });
});
