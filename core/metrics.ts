/**
 * Prometheus metrics for this process (scraped per replica at /metrics). Request counts carry
 * the consumer as a label: consumers are few and registered, so the cardinality is bounded.
 */
import client from 'prom-client';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'dprs_' });

export const lookupRequests = new client.Counter({
  name: 'dprs_lookup_requests_total',
  help: 'Lookups answered, by method, interface, consumer and result code',
  labelNames: ['method', 'interface', 'consumer', 'result_code'] as const,
  registers: [registry],
});

export const lookupDuration = new client.Histogram({
  name: 'dprs_lookup_duration_seconds',
  help: 'Lookup latency from request arrival to answer',
  labelNames: ['method', 'interface'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

export const httpRequests = new client.Counter({
  name: 'dprs_http_requests_total',
  help: 'HTTP requests by route group and status',
  labelNames: ['route', 'status'] as const,
  registers: [registry],
});

export const auditWriteDuration = new client.Histogram({
  name: 'dprs_audit_write_seconds',
  help: 'Time to commit one group of audit rows',
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers: [registry],
});

export const auditBatchSize = new client.Histogram({
  name: 'dprs_audit_batch_rows',
  help: 'Audit rows committed per group commit',
  buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
  registers: [registry],
});

export const syncRows = new client.Counter({
  name: 'dprs_sync_rows_total',
  help: 'Rows handled by sync runs, by job and outcome (read, written, unchanged, rejected, deleted, drift, future)',
  labelNames: ['job', 'outcome'] as const,
  registers: [registry],
});

export const syncRuns = new client.Counter({
  name: 'dprs_sync_runs_total',
  help: 'Sync runs by job, mode and final status',
  labelNames: ['job', 'mode', 'status'] as const,
  registers: [registry],
});

export const syncRunDuration = new client.Histogram({
  name: 'dprs_sync_run_duration_seconds',
  help: 'Sync run duration by job and mode',
  labelNames: ['job', 'mode'] as const,
  buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
  registers: [registry],
});

export const leaseHeld = new client.Gauge({
  name: 'dprs_lease_held',
  help: '1 while this process holds the named lease',
  labelNames: ['lease'] as const,
  registers: [registry],
});

/** Open 校核差异 per library, item and state, counted in the database when scraped. */
type DifferenceCounts = () => Promise<Array<{ library: string; item: string; state: string; count: number }>>;
let countOpenDifferences: DifferenceCounts | null = null;

/** The composition root names where the counts come from (the kernel imports no feature). */
export function countVerificationDifferencesWith(source: DifferenceCounts): void {
  countOpenDifferences = source;
}

export const verificationDifferences = new client.Gauge({
  name: 'dprs_verification_differences',
  help: 'Open 校核差异 (verification differences) by library, item and state',
  labelNames: ['library', 'item', 'state'] as const,
  registers: [registry],
  async collect() {
    if (!countOpenDifferences) return;
    const counts = await countOpenDifferences().catch(() => null);
    if (!counts) return; // keep the last figures rather than report zero
    this.reset();
    for (const c of counts) this.set({ library: c.library, item: c.item, state: c.state }, c.count);
  },
});

export const verificationCheckFailures = new client.Counter({
  name: 'dprs_verification_check_failures_total',
  help: 'Comparisons after a sync batch that failed (the batch itself was written)',
  labelNames: ['library'] as const,
  registers: [registry],
});

/** Route group for HTTP metrics: never the raw path (it may hold IDs). */
export function routeGroup(path: string): string {
  if (path.startsWith('/dprs/api/')) return 'api';
  if (path.startsWith('/dprs/webService/')) return 'soap';
  if (path.startsWith('/dprs/catalog')) return 'catalog';
  if (path.startsWith('/dprs/admin')) return 'admin';
  if (path.startsWith('/portal')) return 'portal';
  if (path === '/healthz' || path === '/readyz' || path === '/metrics') return path.slice(1);
  return 'other';
}
