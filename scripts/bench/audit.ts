/**
 * The audit append, in process: `batches` group commits of `rows` rows each into a fresh
 * database. On SQLite in alternating rounds with WAL checkpoints on the appending connection
 * (SQLite's default) and in the serving process's checkpoint worker (core/sqlite-checkpoints);
 * on MariaDB (`mysqlUrl`, a schema dprs_bench_audit_* made and dropped) round after round.
 * Per row: wall time (on SQLite the append is synchronous, so that is time the event loop was
 * held) and the process's CPU (all threads, the worker's included). Then "who looked me up"
 * over the log the rounds wrote, its key blocks built: ms per search.
 *   node dist/scripts/cli.js bench audit [--mysql-url …] [--rounds 4] [--batches 600] [--rows 35]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Db, openKnex } from '../../core/db';
import { migrate } from '../app/migrations';
import { appendEntries, lookupsOfKey } from '../../gateway/auditing/store';
import { buildKeyBlocks } from '../../gateway/auditing/key-blocks';
import type { AuditEntry } from '../../gateway/auditing/chain';
import { checkpointOffLoop } from '../../core/sqlite-checkpoints';
import { createLogger } from '../../core/logger';
import { benchSchema } from './schema';

export interface AuditBenchOptions {
  rounds: number;
  batches: number;
  rows: number;
  /** on MariaDB instead of SQLite */
  mysqlUrl?: string | null;
}

export interface AuditRound {
  /** SQLite's WAL checkpoints: on the appending connection or in the worker; MariaDB: none of ours */
  checkpoints: 'connection' | 'worker' | 'mariadb';
  loopUsPerRow: number;
  cpuUsPerRow: number;
}

/** A lookup's audit entry as a window's call makes it (synthetic: a random key hash). */
function entry(): AuditEntry {
  return { at: Date.now(), requestId: crypto.randomUUID(), consumerId: 'bench-window', method: 'getRKZP', interface: 'soap', purpose: '性能测试：办理户籍业务', queryKeyHash: crypto.randomBytes(32).toString('hex'), resultCode: '200', rows: 1, durationMs: 3, userId: null, matterCode: null };
}

/**
 * A log as a gateway that has served a while holds it: `rows` lookups appended in commits of
 * 500, every key block built (`bench http` measures lookups on such a log).
 */
export async function fillAuditLog(db: Db, chainKey: Buffer, rows: number): Promise<void> {
  for (let done = 0; done < rows; ) {
    const n = Math.min(500, rows - done);
    await appendEntries(db, chainKey, Array.from({ length: n }, entry));
    done += n;
  }
  while ((await buildKeyBlocks(db, { maxBlocks: 64 })) > 0);
}

/** One round: `batches` appends of `rows` fresh entries, timed. */
async function measuredRound(db: Db, chainKey: Buffer, opts: AuditBenchOptions, checkpoints: AuditRound['checkpoints']): Promise<AuditRound> {
  // entries made before the clock starts: their random hashes are the bench's, not the append's
  const batches = Array.from({ length: opts.batches }, () => Array.from({ length: opts.rows }, entry));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const batch of batches) await appendEntries(db, chainKey, batch);
  const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const n = opts.batches * opts.rows;
  return { checkpoints, loopUsPerRow: wallUs / n, cpuUsPerRow: (cpu.user + cpu.system) / n };
}

/** "Who looked me up" over the log the rounds wrote, its key blocks all built: ms per search. */
export interface SearchTimes {
  logRows: number;
  searches: number;
  medianMs: number;
  maxMs: number;
}

async function timedSearches(db: Db, searches = 20): Promise<SearchTimes> {
  while ((await buildKeyBlocks(db, { maxBlocks: 64 })) > 0);
  const [{ rows }] = (await db('audit_log').count({ rows: '*' })) as Array<{ rows: number | string }>;
  const logRows = Number(rows);
  const ms: number[] = [];
  for (let i = 0; i < searches; i++) {
    // a key of a row spread over the log (each bench key is looked up once)
    const row = (await db('audit_log').where('id', '>=', Math.ceil(((i + 0.5) * logRows) / searches)).orderBy('id').first('query_key_hash')) as { query_key_hash: string };
    const t0 = process.hrtime.bigint();
    await lookupsOfKey(db, row.query_key_hash);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { logRows, searches, medianMs: ms[Math.floor(ms.length / 2)], maxMs: ms[ms.length - 1] };
}

export async function runAuditBench(opts: AuditBenchOptions): Promise<{ rounds: AuditRound[]; search: SearchTimes }> {
  const chainKey = crypto.randomBytes(32);
  const out: AuditRound[] = [];
  if (opts.mysqlUrl) {
    const schema = await benchSchema(opts.mysqlUrl, `dprs_bench_audit_${process.pid}`);
    const db = openKnex({ client: 'mysql', url: schema.url });
    try {
      await migrate(db);
      for (let i = 0; i < opts.rounds; i++) out.push(await measuredRound(db, chainKey, opts, 'mariadb'));
      return { rounds: out, search: await timedSearches(db) };
    } finally {
      await db.destroy();
      await schema.drop();
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dprs-bench-audit-'));
  const db = openKnex({ client: 'sqlite', sqliteFile: path.join(dir, 'gateway.db') });
  try {
    await migrate(db);
    for (let i = 0; i < opts.rounds * 2; i++) {
      const checkpoints = i % 2 === 0 ? 'connection' : 'worker';
      const worker = checkpoints === 'worker' ? await checkpointOffLoop(db, createLogger('warn')) : null;
      out.push(await measuredRound(db, chainKey, opts, checkpoints));
      await worker?.stop();
    }
    return { rounds: out, search: await timedSearches(db) };
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function auditSummary(rounds: AuditRound[]): string {
  // on SQLite wall time is time the event loop was held
  const where = (r: AuditRound) => (r.checkpoints === 'mariadb' ? `${'on MariaDB'.padEnd(29)}  wall` : `checkpoints on the ${r.checkpoints.padEnd(10)}  loop`);
  return rounds.map((r) => `${where(r)} ${r.loopUsPerRow.toFixed(1).padStart(5)} µs/row  CPU ${r.cpuUsPerRow.toFixed(1).padStart(5)} µs/row`).join('\n');
}

export function searchSummary(s: SearchTimes): string {
  return `who looked a key up, ${s.logRows} rows, ${s.searches} keys: median ${s.medianMs.toFixed(1)} ms, max ${s.maxMs.toFixed(1)} ms`;
}
