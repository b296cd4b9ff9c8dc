/**
 * Lookup throughput and latency against the bare stack, in one run:
 *   bare express (same envelope from memory)  vs  the gateway's JSON getRKZP
 *   bare node-soap (same WSDL, canned answer)  vs  the gateway's SOAP getRKZP
 * The gateway path is the real one: token check, purpose, validation, grant check, database
 * lookup, masking/projection and a durable, hash-chained audit row. On SQLite, and on MariaDB
 * when a URL is given. Each server is its own process; wrk loads it from another. The baselines
 * run before the gateway and again after it, and the gateway is compared with their mean.
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
}

const DIST = path.resolve(__dirname, '..'); // dist/scripts
/** this build's command line */
export const CLI = path.join(DIST, 'cli.js');
const BARE = path.join(__dirname, 'bare-servers.js');
const PURPOSE = encodeURIComponent('性能测试：办理户籍业务');
/** about a year of a district's lookups (the log is kept at least 180 days) */
export const DEFAULT_AUDIT_ROWS = 1_000_000;

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

async function startBare(kind: 'express' | 'soap'): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [BARE, kind, String(port)], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitListening(port, child);
  return { port, child };
}

/** `dprs serve` of this build, or of the build whose command line is `cli` */
export async function startGateway(env: NodeJS.ProcessEnv, profileDir?: string, cli = CLI): Promise<Server> {
  const port = await freePort();
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...nodeArgs, cli, 'serve'], { env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'ignore', 'inherit'] });
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

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSecondsOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (USER_HZ, 100 on Linux)
  return (Number(fields[11]) + Number(fields[12])) / 100;
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

async function measureThenStop(opts: HttpBenchOptions, server: Server, lua: string): Promise<Measured> {
  try {
    return measure(opts, server, lua);
  } finally {
    await stop(server.child);
  }
}

/** Two runs of one baseline as one: req/s, latencies and CPU per request averaged. */
function meanOf(a: Measured, b: Measured): Measured {
  const mean = (x: number, y: number) => (x + y) / 2;
  return {
    requestsPerSec: mean(a.requestsPerSec, b.requestsPerSec),
    p50Ms: mean(a.p50Ms, b.p50Ms),
    p99Ms: mean(a.p99Ms, b.p99Ms),
    requests: a.requests + b.requests,
    non2xx: a.non2xx + b.non2xx,
    errors: a.errors + b.errors,
    cpuUsPerRequest: mean(a.cpuUsPerRequest, b.cpuUsPerRequest),
  };
}

interface Row {
  name: string;
  baseline: 'bare express' | 'bare node-soap';
  result: Measured;
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

  const jsonLua = jsonScript(people, token);
  const soapLua = soapScript(people, token);
  /** Both baselines, each from a fresh process: measured before the gateway runs and again after. */
  const measureBaselines = async (when: string): Promise<{ json: Measured; soap: Measured }> => {
    opts.log(`baseline (${when}): bare express…`);
    const json = await measureThenStop(opts, await startBare('express'), jsonLua);
    opts.log(`baseline (${when}): bare node-soap…`);
    const soap = await measureThenStop(opts, await startBare('soap'), soapLua);
    return { json, soap };
  };
  const before = await measureBaselines('before');

  const targets: Array<{ label: string; env: NodeJS.ProcessEnv }> = [{ label: 'SQLite', env: sqliteEnv }];
  const mysqlSchema = opts.mysqlUrl ? await benchSchema(opts.mysqlUrl, `dprs_bench_${process.pid}`) : null;
  if (mysqlSchema) {
    const mysqlEnv = onStore(common, mysqlSchema.url);
    opts.log(`preparing the MariaDB gateway database (demo data, ${opts.auditRows} audit rows)…`);
    await prepareDatabase(mysqlEnv, opts.auditRows);
    targets.push({ label: 'MariaDB', env: mysqlEnv });
  }

  let baselines: { before: typeof before; after: typeof before; json: Measured; soap: Measured };
  try {
    for (const t of targets) {
      opts.log(`gateway on ${t.label}…`);
      const profileDir = opts.profileDir ? path.join(opts.profileDir, t.label.toLowerCase()) : undefined;
      const gw = await startGateway(t.env, profileDir);
      try {
        await checkAnswers(gw.port, 'json', token, people[0]);
        await checkAnswers(gw.port, 'soap', token, people[0]);
        rows.push({ name: `JSON getRKZP, gateway on ${t.label}`, baseline: 'bare express', result: measure(opts, gw, jsonLua) });
        rows.push({ name: `SOAP getRKZP, gateway on ${t.label}`, baseline: 'bare node-soap', result: measure(opts, gw, soapLua) });
      } finally {
        await stop(gw.child);
      }
      // the profile covers the JSON and SOAP runs of this gateway (written when it exits)
      if (profileDir) opts.log(summariseProfileDir(profileDir));
    }
    // this VM's speed drifts (bare node-soap took 94 to 143 CPU µs per request within an hour):
    // the gateway is compared with the mean of a baseline run before it and one after it
    const after = await measureBaselines('after');
    baselines = { before, after, json: meanOf(before.json, after.json), soap: meanOf(before.soap, after.soap) };
  } finally {
    await mysqlSchema?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const { json: bareJson, soap: bareSoapResult } = baselines;
  const baseOf = (r: Row) => (r.baseline === 'bare express' ? bareJson : bareSoapResult);
  const drift = (b: Measured, a: Measured) => `${a.requestsPerSec >= b.requestsPerSec ? '+' : '−'}${Math.abs((a.requestsPerSec / b.requestsPerSec - 1) * 100).toFixed(0)} %`;

  const fmt = (n: number, d = 0) => n.toFixed(d);
  const md = [
    '## Lookups: gateway vs the bare stack',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()}.`,
    `Command: \`npm run bench -- http${opts.mysqlUrl ? ' --mysql-url mysql://…' : ''}\` (wrk, 1 thread, ${opts.connections} connections, ${opts.warmupSeconds} s warm-up then ${opts.seconds} s; requests rotate over 1,000 demo people).`,
    'Each server is one Node process; wrk runs beside it on the same two cores. The gateway answers with the full path: token check (a token is verified once, then only its expiry), purpose header, validation, the access decision (the access version read from the database on every call; consumer, resource and grants read again whenever it has moved), lookup, projection, and a hash-chained audit row committed (group commit) before the answer.',
    `Each gateway's audit log holds ${opts.auditRows.toLocaleString('en-US')} rows before it is measured (key blocks built), as a gateway's that has served a while does: a cost that grows with the log shows here.`,
    '',
    table(
      ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'baseline', 'baseline req/s', 'baseline p99 ms', 'baseline CPU µs/req', 'throughput ratio', 'p99 ratio', 'CPU ratio', 'goal met?'],
      [
        ...(
          [
            ['bare express', baselines.before.json, baselines.after.json, bareJson],
            ['bare node-soap', baselines.before.soap, baselines.after.soap, bareSoapResult],
          ] as const
        ).flatMap(([name, b, a, mean]) =>
          ([['before', b], ['after', a], ['mean: the baseline', mean]] as const).map(([when, m]) => [`${name} (${when})`, fmt(m.requestsPerSec), fmt(m.p50Ms, 2), fmt(m.p99Ms, 2), fmt(m.cpuUsPerRequest), '—', '—', '—', '—', '—', '—', '—', '—']),
        ),
        ...rows.map((r) => {
          const base = baseOf(r);
          return [
            r.name,
            fmt(r.result.requestsPerSec),
            fmt(r.result.p50Ms, 2),
            fmt(r.result.p99Ms, 2),
            fmt(r.result.cpuUsPerRequest),
            r.baseline,
            fmt(base.requestsPerSec),
            fmt(base.p99Ms, 2),
            fmt(base.cpuUsPerRequest),
            fmt(r.result.requestsPerSec / base.requestsPerSec, 2),
            fmt(r.result.p99Ms / base.p99Ms, 2),
            fmt(base.cpuUsPerRequest / r.result.cpuUsPerRequest, 2),
            r.result.requestsPerSec / base.requestsPerSec >= 0.6 && r.result.p99Ms / base.p99Ms <= 2 ? 'yes' : 'no',
          ];
        }),
      ],
    ),
    '',
    `Each baseline is the mean of a run before the gateway's runs and one after them (fresh processes); between the two, bare express moved ${drift(baselines.before.json, baselines.after.json)} in req/s and bare node-soap ${drift(baselines.before.soap, baselines.after.soap)} — how far this machine's speed drifted during the measurement.`,
    '',
    'CPU µs/req is the server process\'s user + system CPU time (from /proc) during the measured seconds divided by the requests answered; its ratio (baseline ÷ gateway) is what the throughput ratio would be on an otherwise idle machine where the server is CPU-bound, and moves far less than req/s when other work shares the cores.',
    '',
    'Goals (issue 15): each gateway row ≥ 0.6 × its baseline\'s throughput with p99 ≤ 2 × the baseline\'s, on SQLite and on MariaDB; "goal met?" applies both.',
  ].join('\n');
  writeSection('http', md);
  return md;
}
