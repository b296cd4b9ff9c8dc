/**
 * Lookup throughput and latency against the bare stack, in one run:
 *   bare express (same envelope from memory)  vs  the gateway's JSON getRKZP
 *   bare node-soap (same WSDL, canned answer)  vs  the gateway's SOAP getRKZP
 * The gateway path is the real one: token check, purpose, validation, grant check, database
 * lookup, masking/projection and a durable, hash-chained audit row. On SQLite, and on MariaDB
 * when a URL is given. Each server is its own process; wrk loads it from another. Each scenario
 * is measured in pairs — its bare server and the gateway one right after the other, which goes
 * first alternating (./stats) — and each figure is the median of the pairs'.
 */
import { ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../core/config';
import { createContext, destroyContext } from '../app/context';
import { migrate } from '../app/migrations';
import { issueToken } from '../../gateway/auth/tokens';
import { SOAP_NAMESPACE, SOAP_PATH } from '../../schemas/wsdl';
import { ALL_LOOKUPS, DEMO_CONSUMER_ID, ensureDemo } from '../demo';
import { DEFAULT_DEMO_SIZE } from '../demo/frontend';
import { person } from '../demo/records';
import { LoadResult, rotatingRequests, runWrk } from './wrk';
import { machineLine, table, writeSection } from './report';
import { benchSchema } from './schema';
import { summariseProfileDir } from './profile';
import { fillAuditLog } from './audit';
import { auditChainKey } from '../../gateway/auditing/chain';
import { alternated, median } from './stats';
import { cpuSecondsOf } from './proc';

export interface HttpBenchOptions {
  seconds: number;
  warmupSeconds: number;
  connections: number;
  mysqlUrl: string | null;
  log: (line: string) => void;
  /** write a CPU profile of each gateway run into this folder and print where the time went */
  profileDir?: string;
  /** audit rows in each gateway's log before it is measured: lookups on a log that has served a while */
  auditRows: number;
  /** pairs of runs (bare server, gateway) per scenario */
  pairs: number;
}

const DIST = path.resolve(__dirname, '..'); // dist/scripts
/** this build's command line */
export const CLI = path.join(DIST, 'cli.js');
const BARE = path.join(__dirname, 'bare-servers.js');
const PURPOSE = encodeURIComponent('性能测试：办理户籍业务');
/** about a year of a district's lookups (the log is kept at least 180 days) */
export const DEFAULT_AUDIT_ROWS = 1_000_000;
/** pairs of runs per scenario: three, so that one outlying pair does not decide the median */
export const DEFAULT_PAIRS = 3;
/** issue 15's goal for each lookup scenario against its bare stack */
const GOAL = { throughputRatio: 0.6, p99Ratio: 2 };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitListening(port: number, child: ChildProcess, deadlineMs = 60000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < deadlineMs) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const up = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => {
        sock.end();
        resolve(true);
      });
      sock.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`nothing listening on ${port}`);
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([done, new Promise((r) => setTimeout(r, 15000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

export interface Server {
  port: number;
  child: ChildProcess;
}

export async function startBare(kind: 'express' | 'soap'): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [BARE, kind, String(port)], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitListening(port, child);
  return { port, child };
}

/** `dprs serve` of this build, or of the build whose command line is `cli` (or another script serving as it does, with `args`) */
export async function startGateway(env: NodeJS.ProcessEnv, profileDir?: string, cli = CLI, args: readonly string[] = ['serve']): Promise<Server> {
  const port = await freePort();
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...nodeArgs, cli, ...args], { env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitListening(port, child);
  return { port, child };
}

function soapEnvelope(op: string, params: Record<string, string>): string {
  const inner = Object.entries(params)
    .map(([k, v]) => `<${k}>${v}</${k}>`)
    .join('');
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:d="${SOAP_NAMESPACE}"><soap:Body><d:${op}>${inner}</d:${op}></soap:Body></soap:Envelope>`;
}

export interface Sample {
  xm: string;
  gmsfzh: string;
}

export function samples(n: number): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const p = person(DEFAULT_DEMO_SIZE.seed, (i * 7) % DEFAULT_DEMO_SIZE.people);
    out.push({ xm: p.XM, gmsfzh: p.GMSFZH });
  }
  return out;
}

export function jsonScript(people: Sample[], token: string): string {
  return rotatingRequests(
    people.map((p) => ({
      method: 'POST',
      path: '/dprs/api/getRKZP',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'X-Purpose': PURPOSE },
      body: JSON.stringify(p),
    })),
  );
}

export function soapScript(people: Sample[], token: string): string {
  return rotatingRequests(
    people.map((p) => ({
      method: 'POST',
      path: SOAP_PATH,
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '""', Authorization: `Bearer ${token}`, 'X-Purpose': PURPOSE },
      body: soapEnvelope('getRKZP', { xm: p.xm, gmsfzh: p.gmsfzh }),
    })),
  );
}

/** One real request first: a benchmark of error answers would measure nothing. */
export async function checkAnswers(port: number, kind: 'json' | 'soap', token: string, p: Sample): Promise<void> {
  const headers = { Authorization: `Bearer ${token}`, 'X-Purpose': PURPOSE };
  const r =
    kind === 'json'
      ? await fetch(`http://127.0.0.1:${port}/dprs/api/getRKZP`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(p) })
      : await fetch(`http://127.0.0.1:${port}${SOAP_PATH}`, { method: 'POST', headers: { ...headers, 'Content-Type': 'text/xml; charset=utf-8' }, body: soapEnvelope('getRKZP', { ...p }) });
  const text = await r.text();
  if (r.status !== 200 || !text.includes(p.gmsfzh)) throw new Error(`${kind} check failed: HTTP ${r.status} ${text.slice(0, 200)}`);
}

export interface Measured extends LoadResult {
  /** the server's CPU time per answered request: unlike req/s, barely moved by other load on the machine */
  cpuUsPerRequest: number;
}

export function measure(opts: Pick<HttpBenchOptions, 'connections' | 'seconds' | 'warmupSeconds'>, server: Server, lua: string): Measured {
  const url = `http://127.0.0.1:${server.port}`;
  runWrk({ url, connections: opts.connections, seconds: opts.warmupSeconds, lua });
  const cpuBefore = cpuSecondsOf(server.child.pid!);
  const r = runWrk({ url, connections: opts.connections, seconds: opts.seconds, lua });
  const cpuUsPerRequest = ((cpuSecondsOf(server.child.pid!) - cpuBefore) / r.requests) * 1e6;
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx answers, ${r.errors} socket errors`);
  return { ...r, cpuUsPerRequest };
}

/** A scenario's baseline and gateway, measured one right after the other. */
export interface Pair {
  baseline: Measured;
  gateway: Measured;
}

/** A scenario's figures over its pairs: each the median, the ratios the medians of the pairs' ratios. */
export interface PairedFigures {
  gateway: { requestsPerSec: number; p50Ms: number; p99Ms: number; cpuUsPerRequest: number };
  baseline: { requestsPerSec: number; p99Ms: number; cpuUsPerRequest: number };
  /** gateway ÷ baseline req/s */
  throughputRatio: number;
  /** gateway ÷ baseline p99 */
  p99Ratio: number;
  /** baseline ÷ gateway CPU per request: what the throughput ratio would be on an idle machine */
  cpuRatio: number;
  /** each pair's throughput ratio, in order: how far the machine moved during the measurement */
  pairThroughputRatios: number[];
  /** GOAL met: the throughput ratio at least its floor, the p99 ratio at most its ceiling */
  met: boolean;
}

export function pairedFigures(pairs: readonly Pair[]): PairedFigures {
  const of = (pick: (p: Pair) => number) => median(pairs.map(pick));
  const throughputRatio = of((p) => p.gateway.requestsPerSec / p.baseline.requestsPerSec);
  const p99Ratio = of((p) => p.gateway.p99Ms / p.baseline.p99Ms);
  return {
    gateway: { requestsPerSec: of((p) => p.gateway.requestsPerSec), p50Ms: of((p) => p.gateway.p50Ms), p99Ms: of((p) => p.gateway.p99Ms), cpuUsPerRequest: of((p) => p.gateway.cpuUsPerRequest) },
    baseline: { requestsPerSec: of((p) => p.baseline.requestsPerSec), p99Ms: of((p) => p.baseline.p99Ms), cpuUsPerRequest: of((p) => p.baseline.cpuUsPerRequest) },
    throughputRatio,
    p99Ratio,
    cpuRatio: of((p) => p.baseline.cpuUsPerRequest / p.gateway.cpuUsPerRequest),
    pairThroughputRatios: pairs.map((p) => p.gateway.requestsPerSec / p.baseline.requestsPerSec),
    met: throughputRatio >= GOAL.throughputRatio && p99Ratio <= GOAL.p99Ratio,
  };
}

/** `pairs` pairs of runs of one scenario, the order alternated within each pair. */
function measurePairs(opts: HttpBenchOptions, bare: Server, gateway: Server, lua: string): Pair[] {
  const pairs: Pair[] = [];
  let pending: Partial<Pair> = {};
  for (const which of alternated(opts.pairs, 'baseline' as const, 'gateway' as const)) {
    pending[which] = measure(opts, which === 'baseline' ? bare : gateway, lua);
    if (pending.baseline && pending.gateway) {
      pairs.push(pending as Pair);
      pending = {};
    }
  }
  return pairs;
}

interface Row {
  name: string;
  baseline: 'bare express' | 'bare node-soap';
  figures: PairedFigures;
}

export async function prepareDatabase(env: NodeJS.ProcessEnv, auditRows: number): Promise<void> {
  const config = loadConfig(env);
  const ctx = createContext(config);
  try {
    await migrate(ctx.db);
    await ensureDemo(ctx);
    await fillAuditLog(ctx.db, auditChainKey(config.auditKey), auditRows);
  } finally {
    await destroyContext(ctx);
  }
}

/** A prepared gateway database and the load to put on it: what `bench compare` and `bench audit-wait` measure their servers with. */
export interface LookupLoad {
  env: NodeJS.ProcessEnv;
  token: string;
  /** the first of the people the load asks for, for checkAnswers */
  person: Sample;
  /** the wrk script: the lookups rotating over 1,000 demo people */
  lua: string;
}

/**
 * Runs `fn` over a fresh gateway database — on a schema `<prefix>_<pid>` made and dropped on
 * MariaDB, or in a temporary folder on SQLite — holding the demo data and `auditRows` audit rows.
 */
export async function withLookupLoad<T>(
  opts: { iface: 'json' | 'soap'; mysqlUrl: string | null; auditRows: number; schemaPrefix: string; log: (line: string) => void },
  fn: (load: LookupLoad) => Promise<T>,
): Promise<T> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${opts.schemaPrefix.replace(/_/g, '-')}-`));
  const schema = opts.mysqlUrl ? await benchSchema(opts.mysqlUrl, `${opts.schemaPrefix}_${process.pid}`) : null;
  try {
    const env = onStore(gatewayEnv(dataDir), schema?.url ?? null);
    opts.log(`preparing the ${schema ? 'MariaDB' : 'SQLite'} gateway database (demo data, ${opts.auditRows} audit rows)…`);
    await prepareDatabase(env, opts.auditRows);
    const token = issueToken(loadConfig(env), DEMO_CONSUMER_ID, ALL_LOOKUPS).access_token;
    const people = samples(1000);
    const lua = opts.iface === 'json' ? jsonScript(people, token) : soapScript(people, token);
    return await fn({ env, token, person: people[0], lua });
  } finally {
    await schema?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Each server of `order` in turn: started, its answer checked (a benchmark of error answers
 * would measure nothing; the bare servers answer canned text), loaded, and stopped.
 */
export async function measureInTurns<K extends string>(
  order: readonly K[],
  start: (key: K) => Promise<Server>,
  load: LookupLoad,
  opts: Pick<HttpBenchOptions, 'connections' | 'seconds' | 'warmupSeconds' | 'log'> & { iface: 'json' | 'soap'; isBare?: (key: K) => boolean },
): Promise<Array<{ key: K; result: Measured }>> {
  const runs: Array<{ key: K; result: Measured }> = [];
  const width = Math.max(...order.map((k) => k.length));
  for (const key of order) {
    const server = await start(key);
    try {
      if (!opts.isBare?.(key)) await checkAnswers(server.port, opts.iface, load.token, load.person);
      const result = measure(opts, server, load.lua);
      opts.log(`${key.padEnd(width)}  ${result.requestsPerSec.toFixed(0)} req/s, p99 ${result.p99Ms.toFixed(1)} ms, ${result.cpuUsPerRequest.toFixed(0)} CPU µs a request`);
      runs.push({ key, result });
    } finally {
      await stop(server.child);
    }
  }
  return runs;
}

/** What every measured gateway runs with: its data folder, fresh secrets, quiet logs, a limit never reached. */
export function gatewayEnv(dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATA_DIR: dataDir,
    JWT_SECRET: crypto.randomBytes(32).toString('hex'),
    AUDIT_KEY: crypto.randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    // high enough never to refuse, so the limiter's bookkeeping is still measured
    RATE_LIMIT_PER_MINUTE: '10000000',
  };
}

/** `env` on a MariaDB schema, or on the embedded SQLite file in its data folder (url null). */
export function onStore(env: NodeJS.ProcessEnv, mysqlUrl: string | null): NodeJS.ProcessEnv {
  return mysqlUrl ? { ...env, DB_CLIENT: 'mysql', DATABASE_URL: mysqlUrl } : { ...env, DB_CLIENT: 'sqlite', DATABASE_URL: '' };
}

export async function runHttpBench(opts: HttpBenchOptions): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dprs-bench-http-'));
  const common = gatewayEnv(dataDir);
  const sqliteEnv = onStore(common, null);
  opts.log(`preparing the SQLite gateway database (demo data, ${opts.auditRows} audit rows)…`);
  await prepareDatabase(sqliteEnv, opts.auditRows);
  const token = issueToken(loadConfig(sqliteEnv), DEMO_CONSUMER_ID, ALL_LOOKUPS).access_token;
  const people = samples(1000);
  const rows: Row[] = [];

  const targets: Array<{ label: string; env: NodeJS.ProcessEnv }> = [{ label: 'SQLite', env: sqliteEnv }];
  const mysqlSchema = opts.mysqlUrl ? await benchSchema(opts.mysqlUrl, `dprs_bench_${process.pid}`) : null;
  // the bare servers serve the whole measurement, idle while the gateway is loaded
  const bare: Server[] = [];
  try {
    if (mysqlSchema) {
      const mysqlEnv = onStore(common, mysqlSchema.url);
      opts.log(`preparing the MariaDB gateway database (demo data, ${opts.auditRows} audit rows)…`);
      await prepareDatabase(mysqlEnv, opts.auditRows);
      targets.push({ label: 'MariaDB', env: mysqlEnv });
    }
    const bareExpress = await startBare('express');
    bare.push(bareExpress);
    const bareSoap = await startBare('soap');
    bare.push(bareSoap);
    const scenarios = [
      { kind: 'json', baseline: 'bare express', server: bareExpress, lua: jsonScript(people, token) },
      { kind: 'soap', baseline: 'bare node-soap', server: bareSoap, lua: soapScript(people, token) },
    ] as const;
    for (const t of targets) {
      const profileDir = opts.profileDir ? path.join(opts.profileDir, t.label.toLowerCase()) : undefined;
      const gw = await startGateway(t.env, profileDir);
      try {
        for (const sc of scenarios) {
          await checkAnswers(gw.port, sc.kind, token, people[0]);
          const name = `${sc.kind.toUpperCase()} getRKZP, gateway on ${t.label}`;
          opts.log(`${name} against ${sc.baseline}, ${opts.pairs} pairs…`);
          const figures = pairedFigures(measurePairs(opts, sc.server, gw, sc.lua));
          opts.log(`  ratios of the pairs: ${figures.pairThroughputRatios.map((r) => r.toFixed(2)).join(' / ')}`);
          rows.push({ name, baseline: sc.baseline, figures });
        }
      } finally {
        await stop(gw.child);
      }
      // the profile covers the JSON and SOAP runs of this gateway (written when it exits)
      if (profileDir) opts.log(summariseProfileDir(profileDir));
    }
  } finally {
    for (const b of bare) await stop(b.child);
    await mysqlSchema?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const md = [
    '## Lookups: gateway vs the bare stack',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()}.`,
    `Command: \`${benchCommand(opts)}\` (wrk, 1 thread, ${opts.connections} connections, ${opts.warmupSeconds} s warm-up then ${opts.seconds} s a run; requests rotate over 1,000 demo people).`,
    'Each server is one Node process; wrk runs beside it on the same two cores. The gateway answers with the full path: token check (a token is verified once, then only its expiry), purpose header, validation, the access decision (the access version read from the database on every call; consumer, resource and grants read again whenever it has moved), lookup, projection, and a hash-chained audit row committed (group commit) before the answer.',
    `Each gateway's audit log holds ${opts.auditRows.toLocaleString('en-US')} rows before it is measured (key blocks built), as a gateway's that has served a while does: a cost that grows with the log shows here.`,
    '',
    pairedTable(rows),
    '',
    `Each row is the median of ${opts.pairs} pairs of runs: the bare server and the gateway measured one right after the other, which of them goes first alternating from pair to pair, so that this machine's drift (tens of per cent within minutes) favours neither; each ratio is the median of the pairs' ratios. The bare servers run throughout, idle while the gateway is loaded. The last column shows each pair's throughput ratio: how far the verdict moved within the measurement.`,
    '',
    'CPU µs/req is the server process\'s user + system CPU time (from /proc) during the measured seconds divided by the requests answered; its ratio (baseline ÷ gateway) is what the throughput ratio would be on an otherwise idle machine where the server is CPU-bound, and moves far less than req/s when other work shares the cores.',
    '',
    `Goals (issue 15): each gateway row ≥ ${GOAL.throughputRatio} × its baseline's throughput with p99 ≤ ${GOAL.p99Ratio} × the baseline's, on SQLite and on MariaDB; "goal met?" applies both to the medians.`,
  ].join('\n');
  writeSection('http', md);
  return md;
}

/** The command that measures again what a run measured: its options that decide the figures, the URL's account left out. */
export function benchCommand(opts: Pick<HttpBenchOptions, 'mysqlUrl' | 'seconds' | 'connections' | 'auditRows' | 'pairs'>): string {
  const options = [
    opts.mysqlUrl ? '--mysql-url mysql://…' : '',
    `--seconds ${opts.seconds}`,
    `--connections ${opts.connections}`,
    `--pairs ${opts.pairs}`,
    opts.auditRows === DEFAULT_AUDIT_ROWS ? '' : `--audit-rows ${opts.auditRows}`,
  ];
  return ['node dist/scripts/cli.js bench http', ...options.filter(Boolean)].join(' ');
}

/** The lookups table: a row per scenario, its medians beside its baseline's, the ratios and the verdict. */
export function pairedTable(rows: ReadonlyArray<{ name: string; baseline: string; figures: PairedFigures }>): string {
  const fmt = (n: number, d = 0) => n.toFixed(d);
  return table(
    ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'baseline', 'baseline req/s', 'baseline p99 ms', 'baseline CPU µs/req', 'throughput ratio', 'p99 ratio', 'CPU ratio', 'goal met?', 'throughput ratio of each pair'],
    rows.map(({ name, baseline, figures: f }) => [
      name,
      fmt(f.gateway.requestsPerSec),
      fmt(f.gateway.p50Ms, 2),
      fmt(f.gateway.p99Ms, 2),
      fmt(f.gateway.cpuUsPerRequest),
      baseline,
      fmt(f.baseline.requestsPerSec),
      fmt(f.baseline.p99Ms, 2),
      fmt(f.baseline.cpuUsPerRequest),
      fmt(f.throughputRatio, 2),
      fmt(f.p99Ratio, 2),
      fmt(f.cpuRatio, 2),
      f.met ? 'yes' : 'no',
      f.pairThroughputRatios.map((r) => fmt(r, 2)).join(' / '),
    ]),
  );
}
