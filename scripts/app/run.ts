/** Runs the composed gateway until SIGTERM or SIGINT, then shuts it down gracefully. */
import type { AppContext } from '../../gateway/context';
import { startServer } from './server';
import { startMetricsServer } from '../../gateway/metrics-server';
import { startScheduler } from '../../adapters/sync/scheduler';
import { anchorFile, scheduleAnchors } from '../../gateway/auditing/anchors';
import { auditChainKey } from '../../gateway/auditing/chain';
import { SyncEngine } from '../../adapters/sync/engine';
import { checkpointOffLoop } from '../../core/sqlite-checkpoints';

/**
 * From SIGTERM (or SIGINT) to exit: the HTTP drain (DRAIN_MS, 10 s) and the sync runs' grace
 * (RUN_STOP_GRACE_MS, 5 s, then aborted at their next batch) run side by side, then the audit
 * writer is flushed and the database closed. A process still alive this long after the
 * signal is stuck: it logs what keeps it alive and exits with code 1.
 */
export const SHUTDOWN_BOUND_MS = 15000;

export async function serveUntilSignal(ctx: AppContext, banner?: (port: number) => string): Promise<void> {
  // one engine for scheduled runs and runs an operator starts over HTTP: stop() covers both
  const engine = new SyncEngine(ctx.db, { leaseMs: ctx.config.sync.leaseMs });
  // on SQLite, the WAL is copied into the database file by a worker, not by the requests' connection
  const checkpoints = await checkpointOffLoop(ctx.db, ctx.log);
  const running = await startServer(ctx, { syncEngine: engine });
  const metrics = ctx.config.metricsListen ? await startMetricsServer(ctx.config.metricsListen, ctx.log) : null;
  ctx.log.info({ port: running.port, metricsPort: metrics?.port ?? null }, 'dprs listening');
  // sync runs in the serving process; the lease keeps replicas from running a job twice
  const scheduler = await startScheduler(ctx.db, ctx.log, engine);
  // the audit chain's head, outside the database: at start and hourly
  const anchors = scheduleAnchors(ctx.db, auditChainKey(ctx.config.auditKey), anchorFile(ctx.config.dataDir), ctx.log);
  if (banner) process.stdout.write(banner(running.port));
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      ctx.log.info({ signal }, 'shutting down');
      // unref'd: it fires only if something still holds the process after the bound
      setTimeout(() => {
        ctx.log.error({ boundMs: SHUTDOWN_BOUND_MS, active: process.getActiveResourcesInfo() }, 'shutdown exceeded its bound');
        process.exit(1);
      }, SHUTDOWN_BOUND_MS).unref();
      anchors.stop();
      Promise.allSettled([running.close(), scheduler.stop(), metrics?.close()])
        .then(() => checkpoints.stop())
        .catch(() => undefined)
        .then(() => resolve());
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

