/**
 * Sync throughput benchmark (not a test): builds N people in a MariaDB source schema, runs a
 * full sync MariaDB → MariaDB and a 1 % incremental through `dprs sync run` child processes
 * (peak RSS read from /proc), and times `mariadb-dump | mariadb` of the same table as the
 * baseline — and the same pipe for the library table the run wrote. Each run is timed twice:
 * the child process wall-clock (start-up included) and the run's own span as its sync_runs
 * row records it, which is what a run the scheduler starts inside the serving process takes.
 * Rerunnable: its schemas (dprs_bench_*) are dropped and rebuilt each time.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { openKnex } from '../../core/db';
import { migrate } from '../app/migrations';
import { createFrontendTables, fillFrontend, FRONTEND_TABLES } from '../demo/frontend';
import { saveJob } from '../../adapters/sync/jobs';
import { demoJobs } from '../demo/jobs';
import { cpuSecondsOf, peakRssKbOf } from './proc';

export interface SyncBenchResult {
  rows: number;
  buildSeconds: number;
  /** seconds: the child process, start-up included; runSeconds: the run's own span (sync_runs) */
  full: { seconds: number; runSeconds: number; rowsPerSecond: number; peakRssMb: number };
  incremental: { changed: number; seconds: number; runSeconds: number; rowsRead: number; peakRssMb: number };
  dump: { seconds: number; rowsPerSecond: number };
  /** the pipe copying the library table as the full run left it (not the goal's baseline: what the run's output alone costs to load) */
  libraryDump: { seconds: number };
  /** whether the server's cache holds what the incremental run reads at random (source + library) */
  server: { bufferPoolMb: number; tablesMb: number };
  machine: string;
}

const CLI = path.resolve(__dirname, '../cli.js');

function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = '/' + db;
  return u.toString();
}

export interface ChildRun {
  seconds: number;
  peakKb: number;
  /** user + system CPU, as last polled (up to 0.1 s before the end) */
  cpuSeconds: number;
  out: string;
}

/** Runs `dprs sync run` of the build whose command line is `cli` as a child; peak RSS (the kernel's high-water mark) and CPU polled. */
export function runChild(args: string[], env: NodeJS.ProcessEnv, cli = CLI): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let peakKb = 0;
    let cpuSeconds = 0;
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const poll = setInterval(() => {
      try {
        peakKb = Math.max(peakKb, peakRssKbOf(child.pid!));
        cpuSeconds = cpuSecondsOf(child.pid!);
      } catch {
        /* exited */
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) reject(new Error(`sync run exited ${code}: ${out.slice(-500)}`));
      else resolve({ seconds, peakKb, cpuSeconds, out });
    });
  });
}

/** MariaDB's buffer pool and the size (data + indexes) of the given tables, in MiB. */
async function serverCache(db: Knex, tables: [string, string][]): Promise<SyncBenchResult['server']> {
  const [[pool]] = (await db.raw('select @@innodb_buffer_pool_size as size')) as [[{ size: number | string }]];
  let bytes = 0;
  for (const [schema, table] of tables) {
    const row = await db('information_schema.tables').where({ table_schema: schema, table_name: table }).first(db.raw('data_length + index_length as size'));
    bytes += Number(row?.size ?? 0);
  }
  return { bufferPoolMb: Math.round(Number(pool.size) / 2 ** 20), tablesMb: Math.round(bytes / 2 ** 20) };
}

/** The bench's sync job: the demo's population job, reading the bench's source schema. */
export const BENCH_JOB = 'bench-population';

export interface SyncBenchSetUp {
  names: { src: string; gw: string; dump: string };
  src: Knex;
  gw: Knex;
  /** the environment a `dprs sync run` child runs in */
  env: NodeJS.ProcessEnv;
  buildSeconds: number;
}

/** Rebuilds the bench's schemas: `rows` people in the source, a migrated gateway schema holding the bench's job. */
export async function setUpSyncBench(adminUrl: string, rows: number, log: (s: string) => void): Promise<SyncBenchSetUp> {
  const names = { src: 'dprs_bench_src', gw: 'dprs_bench_gw', dump: 'dprs_bench_dump' };
  const admin = openKnex({ client: 'mysql', url: adminUrl, poolMax: 1 });
  for (const db of Object.values(names)) {
    await admin.raw(`DROP DATABASE IF EXISTS \`${db}\``);
    await admin.raw(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  }
  await admin.destroy();

  log(`building ${rows} people in ${names.src} …`);
  const b0 = Date.now();
  const src = openKnex({ client: 'mysql', url: withDb(adminUrl, names.src) });
  await createFrontendTables(src);
  await fillFrontend(src, { people: rows, entities: 0, licences: 0, seed: 20181009 }, [], (t, done, total) => {
    if (done % 200000 === 0 || done === total) log(`  ${t} ${done}/${total}`);
  });
  const buildSeconds = (Date.now() - b0) / 1000;

  const gwUrl = withDb(adminUrl, names.gw);
  const gw = openKnex({ client: 'mysql', url: gwUrl });
  await migrate(gw);
  const def = demoJobs('unused').find((j) => j.target === 'population')!;
  await saveJob(gw, {
    ...def,
    id: BENCH_JOB,
    source: { client: 'mysql2', connection: withDb(adminUrl, names.src), table: FRONTEND_TABLES.population },
    batchSize: 1000,
    schedule: undefined,
  });
  const env = { ...process.env, DB_CLIENT: 'mysql', DATABASE_URL: gwUrl, DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'dprs-bench-')), LOG_LEVEL: 'warn' };
  return { names, src, gw, env, buildSeconds };
}

export async function benchSync(adminUrl: string, rows: number, log: (s: string) => void): Promise<SyncBenchResult> {
  const { names, src, gw, env, buildSeconds } = await setUpSyncBench(adminUrl, rows, log);

  log('full sync …');
  const full = await runChild(['sync', 'run', BENCH_JOB, '--full'], env);
  log(full.out.trim());

  const changed = Math.floor(rows / 100);
  log(`changing ${changed} source rows (1 %) …`);
  // every 100th person gets a new 户籍地, stamped by the source clock just before the delay window
  await src.raw(
    `UPDATE ${FRONTEND_TABLES.population} SET HJD = CONCAT('山东省淄博市周村区丝绸路街道', RYBH), GXSJ = NOW(6) - INTERVAL 5 SECOND WHERE MOD(CAST(SUBSTRING(RYBH, 3) AS UNSIGNED), 100) = 0`,
  );
  log('incremental sync …');
  const incr = await runChild(['sync', 'run', BENCH_JOB], env);
  log(incr.out.trim());
  const rowsRead = Number(/读出 (\d+)/.exec(incr.out)?.[1] ?? 0);
  const [fullRun, incrRun] = (await gw('sync_runs').where({ job_id: BENCH_JOB }).orderBy('id').select('started_at', 'ended_at')).map(
    (r: { started_at: number | string; ended_at: number | string }) => (Number(r.ended_at) - Number(r.started_at)) / 1000,
  );
  const server = await serverCache(gw, [
    [names.src, FRONTEND_TABLES.population],
    [names.gw, 'population'],
  ]);
  await src.destroy();
  await gw.destroy();

  const u = new URL(adminUrl);
  const conn = ['-h', u.hostname || '127.0.0.1', '-P', u.port || '3306', '-u', decodeURIComponent(u.username)].join(' ');
  /** Seconds to copy one table into the dump schema through `mariadb-dump | mariadb`. */
  const dumpPipe = (schema: string, table: string): number => {
    const d0 = process.hrtime.bigint();
    execFileSync('sh', ['-c', `mariadb-dump ${conn} ${schema} ${table} | mariadb ${conn} ${names.dump}`], {
      env: { ...process.env, MYSQL_PWD: decodeURIComponent(u.password) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return Number(process.hrtime.bigint() - d0) / 1e9;
  };
  log('baseline: mariadb-dump | mariadb …');
  const dumpSeconds = dumpPipe(names.src, FRONTEND_TABLES.population);
  // the same pipe for the table the run writes (the library: the items, the sync's bookkeeping
  // columns, the unique index on the live 公民身份号码): what copying the result alone costs
  log('the same pipe for the library table …');
  const libraryDumpSeconds = dumpPipe(names.gw, 'population');

  return {
    rows,
    buildSeconds,
    full: { seconds: full.seconds, runSeconds: fullRun, rowsPerSecond: Math.round(rows / full.seconds), peakRssMb: Math.round(full.peakKb / 1024) },
    incremental: { changed, seconds: incr.seconds, runSeconds: incrRun, rowsRead, peakRssMb: Math.round(incr.peakKb / 1024) },
    dump: { seconds: dumpSeconds, rowsPerSecond: Math.round(rows / dumpSeconds) },
    libraryDump: { seconds: libraryDumpSeconds },
    server,
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, node ${process.version}`,
  };
}
