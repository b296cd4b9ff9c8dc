/**
 * /metrics on its own listen address (METRICS_LISTEN, default 127.0.0.1:9464), as Prometheus
 * exporters are deployed: the lookups' port is open to every caller on the 政务外网, and the
 * metrics name consumers and their call patterns. Only the operator's Prometheus reaches this
 * one (loopback by default; a wider address is for a scraper behind the firewall).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../core/logger';
import { registry } from '../core/metrics';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(listen: { host: string; port: number }, log: Logger): Promise<MetricsServer | null> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : text),
      () => res.writeHead(500).end(),
    );
  });
  server.keepAliveTimeout = 5000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen.port, listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // another replica on this host holds the address: serve lookups anyway, say so loudly
    log.error({ host: listen.host, port: listen.port, code: (err as NodeJS.ErrnoException).code }, 'metrics listen address unavailable: /metrics not served by this process (set METRICS_LISTEN)');
    return null;
  }
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
