/**
 * Starts the HTTP server and stops it gracefully: stop accepting, let requests in flight
 * finish (bounded), then close the database.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import type { AppContext } from './context';

export interface RunningServer {
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

export async function startServer(ctx: AppContext, opts: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const app = createApp(ctx);
  const server = http.createServer(app);
  server.requestTimeout = ctx.config.requestTimeoutMs;
  server.headersTimeout = Math.min(ctx.config.requestTimeoutMs, 60000);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? ctx.config.port, opts.host ?? ctx.config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      // connections still busy after the grace period are cut
      setTimeout(() => server.closeAllConnections(), 10000).unref();
    }));
  return { server, port, close };
}
