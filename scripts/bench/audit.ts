/**
 * The audit append on SQLite, in process: `batches` group commits of `rows` rows each into a
 * fresh database, in alternating rounds with WAL checkpoints on the appending connection
 * (SQLite's default) and in the serving process's checkpoint worker (core/sqlite-checkpoints).
 * Per row: the event loop's time (the append is synchronous, so wall time is time the loop
 * was held) and the process's CPU (all threads, the worker's included).
 *   node dist/scripts/cli.js bench audit [--rounds 4] [--batches 600] [--rows 35]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openKnex } from '../../core/db';
import { migrate } from '../app/migrations';
import { appendEntries } from '../../gateway/auditing/store';
import type { AuditEntry } from '../../gateway/auditing/chain';
import { checkpointOffLoop } from '../../core/sqlite-checkpoints';
import { createLogger } from '../../core/logger';

export interface AuditBenchOptions {
  rounds: number;
  batches: number;
  rows: number;
}

export interface AuditRound {
  checkpoints: 'connection' | 'worker';
  loopUsPerRow: number;
  cpuUsPerRow: number;
}

/** A lookup's audit entry as a window's call makes it (synthetic: a random key hash). */
function entry(): AuditEntry {
  return { at: Date.now(), requestId: crypto.randomUUID(), consumerId: 'bench-window', method: 'getRKZP', interface: 'soap', purpose: '性能测试：办理户籍业务', queryKeyHash: crypto.randomBytes(32).toString('hex'), resultCode: '200', rows: 1, durationMs: 3, userId: null, matterCode: null };
}

export async function runAuditBench(opts: AuditBenchOptions): Promise<AuditRound[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dprs-bench-audit-'));
  const db = openKnex({ client: 'sqlite', sqliteFile: path.join(dir, 'gateway.db') });
  const chainKey = crypto.randomBytes(32);
  const out: AuditRound[] = [];
  try {
    await migrate(db);
    for (let i = 0; i < opts.rounds * 2; i++) {
      const checkpoints = i % 2 === 0 ? 'connection' : 'worker';
      const worker = checkpoints === 'worker' ? await checkpointOffLoop(db, createLogger('warn')) : null;
      // entries made before the clock starts: their random hashes are the bench's, not the append's
      const batches = Array.from({ length: opts.batches }, () => Array.from({ length: opts.rows }, entry));
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (const batch of batches) await appendEntries(db, chainKey, batch);
      const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      await worker?.stop();
      const n = opts.batches * opts.rows;
      out.push({ checkpoints, loopUsPerRow: wallUs / n, cpuUsPerRow: (cpu.user + cpu.system) / n });
    }
    return out;
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function auditSummary(rounds: AuditRound[]): string {
  return rounds.map((r) => `checkpoints on the ${r.checkpoints.padEnd(10)}  loop ${r.loopUsPerRow.toFixed(1).padStart(5)} µs/row  CPU ${r.cpuUsPerRow.toFixed(1).padStart(5)} µs/row`).join('\n');
}
