/**
 * Sync throughput benchmark (not a test): builds N people in a MariaDB source schema, runs a
 * full sync MariaDB → MariaDB and a 1 % incremental through `dprs sync run` child processes
 * (peak RSS read from /proc), and times `mariadb-dump | mariadb` of the same table as the
 * baseline. Rerunnable: its schemas (dprs_bench_*) are dropped and rebuilt each time.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openKnex } from '../../core/db';
import { migrate } from '../app/migrations';
import { createFrontendTables, fillFrontend, FRONTEND_TABLES } from '../demo/frontend';
import { saveJob } from '../../adapters/sync/jobs';
import { demoJobs } from '../demo/jobs';

export interface SyncBenchResult {
  rows: number;
  buildSeconds: number;
  full: { seconds: number; rowsPerSecond: number; peakRssMb: number };
  incremental: { changed: number; seconds: number; rowsRead: number; peakRssMb: number };
  dump: { seconds: number; rowsPerSecond: number };
  machine: string;
}

const CLI = path.resolve(__dirname, '../cli.js');

function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = '/' + db;
  return u.toString();
}

/** Runs `dprs sync run` as a child; peak RSS is the kernel's high-water mark, polled. */
function runChild(args: string[], env: NodeJS.ProcessEnv): Promise<{ seconds: number; peakKb: number; out: string }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let peakKb = 0;
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        /* exited */
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) reject(new Error(`sync run exited ${code}: ${out.slice(-500)}`));
      else resolve({ seconds, peakKb, out });
    });
  });
}

export async function benchSync(adminUrl: string, rows: number, log: (s: string) => void): Promise<SyncBenchResult> {
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
    id: 'bench-population',
    source: { client: 'mysql2', connection: withDb(adminUrl, names.src), table: FRONTEND_TABLES.population },
    batchSize: 1000,
    schedule: undefined,
  });
  const env = { ...process.env, DB_CLIENT: 'mysql', DATABASE_URL: gwUrl, DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'dprs-bench-')), LOG_LEVEL: 'warn' };

  log('full sync …');
  const full = await runChild(['sync', 'run', 'bench-population', '--full'], env);
  log(full.out.trim());

  const changed = Math.floor(rows / 100);
  log(`changing ${changed} source rows (1 %) …`);
  // every 100th person gets a new 户籍地, stamped by the source clock just before the delay window
  await src.raw(
    `UPDATE ${FRONTEND_TABLES.population} SET HJD = CONCAT('山东省淄博市周村区丝绸路街道', RYBH), GXSJ = NOW(6) - INTERVAL 5 SECOND WHERE MOD(CAST(SUBSTRING(RYBH, 3) AS UNSIGNED), 100) = 0`,
  );
  log('incremental sync …');
  const incr = await runChild(['sync', 'run', 'bench-population'], env);
  log(incr.out.trim());
  const rowsRead = Number(/读出 (\d+)/.exec(incr.out)?.[1] ?? 0);
  await src.destroy();
  await gw.destroy();

  log('baseline: mariadb-dump | mariadb …');
  const u = new URL(adminUrl);
  const conn = ['-h', u.hostname || '127.0.0.1', '-P', u.port || '3306', '-u', decodeURIComponent(u.username)];
  const d0 = process.hrtime.bigint();
  execFileSync('sh', ['-c', `mariadb-dump ${conn.join(' ')} ${names.src} ${FRONTEND_TABLES.population} | mariadb ${conn.join(' ')} ${names.dump}`], {
    env: { ...process.env, MYSQL_PWD: decodeURIComponent(u.password) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const dumpSeconds = Number(process.hrtime.bigint() - d0) / 1e9;

  return {
    rows,
    buildSeconds,
    full: { seconds: full.seconds, rowsPerSecond: Math.round(rows / full.seconds), peakRssMb: Math.round(full.peakKb / 1024) },
    incremental: { changed, seconds: incr.seconds, rowsRead, peakRssMb: Math.round(incr.peakKb / 1024) },
    dump: { seconds: dumpSeconds, rowsPerSecond: Math.round(rows / dumpSeconds) },
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, node ${process.version}`,
  };
}
