/**
 * For the e2e suites that run `dprs serve` as a child process: prepare a gateway database
 * with a small demo, spawn the CLI, wait for /readyz, fire lookups, wait for the exit.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { loadConfig, Config } from '../../core/config';
import { createContext, destroyContext } from '../../scripts/app/context';
import { migrate } from '../../scripts/app/migrations';
import { ensureDemo, ALL_LOOKUPS, DEMO_CONSUMER_ID } from '../../scripts/demo';
import { issueToken } from '../../gateway/auth/tokens';
import { person } from '../../scripts/demo/records';
import type { DemoSize } from '../../scripts/demo/frontend';
import { saveJob, JobDefinition } from '../../adapters/sync/jobs';

export const CLI = path.resolve(__dirname, '../../dist/scripts/cli.js');
export const DEMO_SEED = 20181009;
export const PURPOSE = encodeURIComponent('办理个体工商户营业执照');

/** Environment shared by the test's own context and the children it spawns. */
export function serveEnv(dataDir: string, db: { target: 'sqlite' | 'mysql'; url: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123456789',
    AUDIT_KEY: 'e2e-audit-key-e2e-audit-key-0123456789abcdef',
    RATE_LIMIT_PER_MINUTE: '1000000',
    ...(db.target === 'mysql' ? { DB_CLIENT: 'mysql', DATABASE_URL: db.url } : { DB_CLIENT: 'sqlite', DATABASE_URL: `sqlite:${db.url}` }),
    ...extra,
  };
}

/** Migrates, builds a small demo (front-end file in dataDir, first full sync) and returns a consumer token. */
export async function prepareDemo(env: Record<string, string>, size: DemoSize): Promise<{ config: Config; token: string }> {
  const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
  const ctx = createContext(config);
  try {
    await migrate(ctx.db);
    await ensureDemo(ctx, size);
  } finally {
    await destroyContext(ctx);
  }
  return { config, token: issueToken(config, DEMO_CONSUMER_ID, ALL_LOOKUPS).access_token };
}

export interface Child {
  proc: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export function spawnCli(args: string[], env: Record<string, string>): Child {
  let out = '';
  const proc = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return { proc, output: () => out, exited };
}

export async function waitReady(port: number, deadlineMs = 30000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < deadlineMs) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} not ready in ${deadlineMs} ms`);
}

export interface LookupResult {
  /** HTTP status, or the connection error's code when no answer came */
  status: number | string;
  resultCode?: string;
  rows?: number;
  at: number;
}

/** One getRKZP for demo person #i; never throws (a failed connection is a result too). */
export async function lookup(port: number, token: string, i: number): Promise<LookupResult> {
  const p = person(DEMO_SEED, i);
  try {
    const r = await fetch(`http://127.0.0.1:${port}/dprs/api/getRKZP`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': PURPOSE },
      body: JSON.stringify({ xm: p.XM, gmsfzh: p.GMSFZH }),
    });
    const body = (await r.json()) as { result_code: string; data: unknown[] };
    return { status: r.status, resultCode: body.result_code, rows: body.data.length, at: Date.now() };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return { status: cause?.code ?? String(err), at: Date.now() };
  }
}

/** Rewrites stored job definitions (schedules, throttles) before the servers start. */
export async function patchJobs(env: Record<string, string>, patch: (def: JobDefinition) => JobDefinition): Promise<void> {
  const ctx = createContext(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
  try {
    for (const row of (await ctx.db('sync_jobs').select('definition')) as Array<{ definition: string }>) {
      await saveJob(ctx.db, patch(JSON.parse(row.definition) as JobDefinition));
    }
  } finally {
    await destroyContext(ctx);
  }
}
