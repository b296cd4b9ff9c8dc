/**
 * Bench only (`dprs bench audit-wait`): the gateway as `dprs serve` runs it, except that each
 * lookup's audit row is not written — its commit is replaced by a timer of the milliseconds
 * given (0: no wait at all) — so that what the wait for the commit alone costs a lookup's rate
 * can be measured against the gateway as it is (BENCHMARKS.md, "Round 14"). Since it serves
 * lookups unaudited, it refuses every database but a bench's own: a MySQL schema named
 * dprs_bench_*, or a SQLite file under the system's temporary folder.
 *
 *   node dist/scripts/bench/audit-wait-server.js <ms>
 */
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../core/config';
import { config, serveUntilSignal, withMigratedContext } from '../commands/common';

/** A database only a benchmark uses, by its name or its place. */
export function isBenchDatabase(db: Config['db']): boolean {
  if (db.client === 'mysql') return /^\/dprs_bench_\w+$/.test(new URL(db.url ?? 'mysql://-').pathname);
  const inTmp = path.relative(path.resolve(os.tmpdir()), path.resolve(db.sqliteFile));
  return inTmp !== '' && !inTmp.startsWith('..') && !path.isAbsolute(inTmp);
}

/** The stand-in for AuditWriter.append: resolves after `ms`, at once when 0. */
export function waitInstead(ms: number): () => Promise<void> {
  return ms > 0 ? () => new Promise<void>((resolve) => setTimeout(resolve, ms)) : () => Promise.resolve();
}

if (require.main === module) {
  const ms = Number(process.argv[2]);
  if (!/^\d+$/.test(process.argv[2] ?? '')) {
    process.stderr.write('usage: audit-wait-server.js <ms>\n');
    process.exit(2);
  }
  if (!isBenchDatabase(config().db)) {
    process.stderr.write('audit-wait-server: serves lookups without an audit — only on a dprs_bench_* schema or a SQLite file under the temporary folder\n');
    process.exit(2);
  }
  void withMigratedContext(async (ctx) => {
    ctx.audit.append = waitInstead(ms);
    await serveUntilSignal(ctx);
  });
}
