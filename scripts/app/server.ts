/**
 * Starts the HTTP server and stops it gracefully: accept what the kernel already queued, stop
 * listening (later connections are refused), answer every request on the open connections
 * with `Connection: close`, close idle ones after a short grace, and cut what still runs
 * after DRAIN_MS. Nothing of the server then holds the process.
 */
import http from 'node:http';
import net, { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createRequestListener } from './app';
import type { AppContext } from '../../gateway/context';
import type { SyncEngine } from '../../adapters/sync/engine';

/** Requests still running this long after close() are cut (their sockets destroyed). */
export const DRAIN_MS = 10000;
/**
 * A connection accepted before close() whose request has not arrived yet gets this long to
 * send it: its client counts it as accepted, so resetting it at once could drop a request
 * the client believes sent.
 */
export const FIRST_REQUEST_GRACE_MS = 1000;
/** Longest time spent accepting connections the kernel had queued before the signal. */
export const ACCEPT_DRAIN_MS = 2000;

export interface RunningServer {
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

interface Conn {
  /** requests in progress on this connection */
  active: number;
  /** socket.bytesRead when its last answer was sent: more since means a request is arriving */
  bytesAtLastAnswer: number;
}

export async function startServer(ctx: AppContext, opts: { port?: number; host?: string; syncEngine?: SyncEngine } = {}): Promise<RunningServer> {
  const server = http.createServer(createRequestListener(ctx, { syncEngine: opts.syncEngine }));
  server.requestTimeout = ctx.config.requestTimeoutMs;
  server.headersTimeout = Math.min(ctx.config.requestTimeoutMs, 60000);
  server.keepAliveTimeout = 5000;

  // Node's closeIdleConnections() cannot tell a keep-alive connection between requests from
  // one whose request is still on the wire; we track both to close each the right way
  const conns = new Map<Socket, Conn>();
  let closingNow = false;
  let accepted = 0;
  server.on('connection', (socket: Socket) => {
    conns.set(socket, { active: 0, bytesAtLastAnswer: 0 });
    accepted++;
    socket.once('close', () => conns.delete(socket));
  });
  server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const c = conns.get(req.socket);
    if (!c) return;
    c.active++;
    // once closing, every answer ends its connection: clients do not reuse it
    if (closingNow) res.setHeader('Connection', 'close');
    res.once('close', () => {
      c.active--;
      c.bytesAtLastAnswer = req.socket.bytesRead;
      if (closingNow) closeIfIdle(req.socket);
    });
  });
  /** Idle = nothing running and not a byte received since the last answer (or ever). */
  const closeIfIdle = (socket: Socket) => {
    const c = conns.get(socket);
    if (c && c.active === 0 && socket.bytesRead === c.bytesAtLastAnswer) socket.destroySoon();
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? ctx.config.port, opts.host ?? ctx.config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const acceptQueued = (deadline: number, then: () => void) => {
    const before = accepted;
    // the inner callback runs after the next iteration's poll, where connections are accepted
    setImmediate(() => setImmediate(() => (accepted === before || Date.now() > deadline ? then() : acceptQueued(deadline, then))));
  };
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      closingNow = true;
      // first accept what the kernel has already queued: those clients count their connection
      // as accepted and would be reset when the listener closes. A poll may accept only some,
      // so turn the event loop until one poll accepts nothing (bounded by ACCEPT_DRAIN_MS)
      acceptQueued(Date.now() + ACCEPT_DRAIN_MS, () => {
          // stops accepting: later connection attempts are refused. net's close, not http's:
          // http.Server#close also calls closeIdleConnections(), which resets keep-alive
          // connections whose next request is on its way (see the grace below)
          net.Server.prototype.close.call(server, () => resolve());
          // idle connections get a short grace before they are closed: a keep-alive client may
          // be sending its next request right now, a new one its first (closing at once would
          // reset requests their clients count as sent); what arrives is answered with close
          setTimeout(() => setImmediate(() => conns.forEach((_c, socket) => closeIfIdle(socket))), FIRST_REQUEST_GRACE_MS).unref();
          // connections still busy after the grace period are cut
          setTimeout(() => server.closeAllConnections(), DRAIN_MS).unref();
      });
    }));
  return { server, port, close };
}
