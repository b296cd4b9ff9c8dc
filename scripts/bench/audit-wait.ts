/**
 * What the wait for the audit's commit costs a lookup's rate, in one run: bare node-soap (or
 * bare express), the gateway as it is, and the gateway with its audit commit replaced by a
 * timer of each length asked for — 0 ms being no audit at all (./audit-wait-server, a bench's
 * database only). The arms take turns — bare, each arm, then the same backwards — round after
 * round, and each figure is the median of an arm's runs (./stats). BENCHMARKS.md, "Round 14".
 */
import path from 'node:path';
import { table } from './report';
import { median } from './stats';
import { Measured, measureInTurns, Server, startBare, startGateway, withLookupLoad } from './http';

const WAIT_SERVER = path.join(__dirname, 'audit-wait-server.js');

export interface AuditWaitOptions {
  iface: 'json' | 'soap';
  mysqlUrl: string | null;
  /** the timers put in place of the audit's commit, in ms (0: none) */
  waits: readonly number[];
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  auditRows: number;
  log: (line: string) => void;
}

export const BARE = 'bare';
export const GATEWAY = 'gateway';
export const waitArm = (ms: number) => (ms === 0 ? 'no audit' : `${ms} ms instead of the audit`);

export interface ArmRun {
  arm: string;
  result: Measured;
}

/** Every arm once forwards and once backwards each round, so that a drift of the machine favours none. */
export function armOrder(rounds: number, arms: readonly string[]): string[] {
  const order: string[] = [];
  for (let i = 0; i < rounds; i++) order.push(...arms, ...[...arms].reverse());
  return order;
}

export async function runAuditWait(opts: AuditWaitOptions): Promise<ArmRun[]> {
  return withLookupLoad({ ...opts, schemaPrefix: 'dprs_bench_wait' }, async (load) => {
    const start = (arm: string): Promise<Server> => {
      if (arm === BARE) return startBare(opts.iface === 'json' ? 'express' : 'soap');
      if (arm === GATEWAY) return startGateway(load.env);
      const ms = opts.waits.find((w) => waitArm(w) === arm)!;
      return startGateway(load.env, undefined, WAIT_SERVER, [String(ms)]);
    };
    const order = armOrder(opts.rounds, [BARE, GATEWAY, ...opts.waits.map(waitArm)]);
    const runs = await measureInTurns(order, start, load, { ...opts, isBare: (arm) => arm === BARE });
    return runs.map(({ key, result }) => ({ arm: key, result }));
  });
}

/** Each arm's runs and medians, and its median throughput ÷ the bare server's. */
export function auditWaitSummary(runs: readonly ArmRun[]): string {
  const arms = [...new Set(runs.map((r) => r.arm))];
  const of = (arm: string) => runs.filter((r) => r.arm === arm).map((r) => r.result);
  const bare = median(of(BARE).map((r) => r.requestsPerSec));
  const rows = arms.map((arm) => {
    const rs = of(arm);
    const rate = median(rs.map((r) => r.requestsPerSec));
    return [
      arm,
      rs.map((r) => r.requestsPerSec.toFixed(0)).join(' / '),
      rs.map((r) => r.cpuUsPerRequest.toFixed(0)).join(' / '),
      rate.toFixed(0),
      median(rs.map((r) => r.p99Ms)).toFixed(1),
      median(rs.map((r) => r.cpuUsPerRequest)).toFixed(0),
      (rate / bare).toFixed(2),
    ];
  });
  return table(['arm', 'req/s (each run)', 'CPU µs a request (each run)', 'median req/s', 'median p99 ms', 'median CPU µs a request', 'req/s ÷ bare'], rows);
}
