/**
 * Shared HTTP plumbing: request ids, the per-request logger, the access log line, the
 * request timeout, and the one place that turns an error into an answer.
 */
import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from './logger';
import { errorFields } from './logger';
import { ApiError, Envelope, errorEnvelope, httpStatusOf } from './result-codes';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      id: string;
      /** this request's logger (a child carrying its id), made on first use */
      log: Logger;
    }
  }
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** What a handler knows of its request besides the message: its id and its logger. */
export interface RequestScope {
  id: string;
  /** a child logger carrying the id, made on first use */
  log: Logger;
}

/** The first header of that name as a string (Node joins repeats of most headers with ", "). */
export function header(req: Pick<IncomingMessage, 'headers'>, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The path of a request target, without its query string (which may carry ID numbers). */
export function pathOf(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q < 0 ? u : u.slice(0, q);
}

/**
 * A request's id, and its logger (a child carrying the id) made when a handler first asks for
 * it — most requests never log. A class: an object literal with a getter gave every request an
 * accessor of its own (a dictionary-mode object; a getter defined on each request, a hidden
 * class of its own), and with it each request's objects outlived the young-generation
 * collections — promoted, ~2 MB every 25 ms under load, and a fifth of a SOAP lookup's CPU
 * (BENCHMARKS.md, "Round 13").
 */
class Scope implements RequestScope {
  private child: Logger | undefined;

  constructor(
    readonly id: string,
    private readonly parent: Logger,
  ) {}

  get log(): Logger {
    return (this.child ??= this.parent.child({ reqId: this.id }));
  }
}

export interface RequestBasics {
  log: Logger;
  timeoutMs: number;
  /** counts each answered request (e.g. a metric by route group and status) */
  onFinish?: (path: string, status: number) => void;
}

/**
 * What every request gets, whichever handler answers it: its id (the caller's X-Request-Id if
 * safe, else a new one) echoed in X-Request-Id, a lazily made child logger, the access line
 * at info level, the onFinish count, and a 500 envelope if it is still unanswered after the
 * timeout. Written against Node's http types: express's routes and the lookup lane share it.
 */
export function beginRequest(basics: RequestBasics, req: IncomingMessage, res: ServerResponse): RequestScope {
  const incoming = header(req, 'x-request-id');
  const id = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
  res.setHeader('X-Request-Id', id);
  const scope = new Scope(id, basics.log);
  const path = pathOf(req.url);
  // the access line is written through the process's logger with the id as a field (the line
  // a child would write, without making one per request); below info it costs nothing
  const startedAt = basics.log.isLevelEnabled('info') ? process.hrtime.bigint() : undefined;
  const timer = setTimeout(() => {
    if (res.headersSent) return;
    scope.log.warn({ ms: basics.timeoutMs }, 'request timed out');
    sendEnvelope(res, errorEnvelope(new ApiError('INTERNAL', '处理超时')));
  }, basics.timeoutMs);
  timer.unref();
  res.once('close', () => clearTimeout(timer));
  res.once('finish', () => {
    basics.onFinish?.(path, res.statusCode);
    if (startedAt === undefined) return;
    const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
    basics.log.info({ reqId: id, method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
  });
  return scope;
}

const SCOPE = Symbol('request scope');
type Scoped = { [SCOPE]?: RequestScope };

/** req.log as a getter of express's request prototype, defined once (see Scope: not one per request). */
function logThroughScope(proto: object): void {
  if (Object.prototype.hasOwnProperty.call(proto, 'log')) return;
  Object.defineProperty(proto, 'log', {
    configurable: true,
    get(this: Scoped) {
      return this[SCOPE]?.log;
    },
  });
}

/** beginRequest as express middleware: its scope becomes req.id and req.log. */
export function requestBasics(basics: RequestBasics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const scope = beginRequest(basics, req, res);
    req.id = scope.id;
    logThroughScope(Object.getPrototypeOf(req) as object);
    (req as Scoped)[SCOPE] = scope;
    next();
  };
}

/** Headers set on every answer (the security headers), as name–value pairs. */
export function fixedHeaders(headers: ReadonlyArray<readonly [string, string]>) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

export function sendEnvelope(res: ServerResponse, envelope: Envelope<unknown>): void {
  sendUncached(res, httpStatusOf(envelope.result_code), 'application/json; charset=utf-8', JSON.stringify(envelope));
}

/**
 * An answer written as it is: no express send, which would hash every body for an ETag
 * (envelopes are answers to one call, not documents to revalidate); never cached (no-store).
 */
export function sendUncached(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.headersSent) return; // already answered (e.g. by the timeout)
  res.statusCode = status;
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** The answers to a body that cannot be read as sent (express's routes and the lookup lane alike). */
export const bodyErrors = {
  tooLarge: () => new ApiError('BAD_PARAM', '请求体过大', 'body'),
  notJson: () => new ApiError('BAD_PARAM', '请求体不是合法的JSON', 'body'),
  aborted: () => new ApiError('BAD_PARAM', '请求被中断', 'body'),
};

/** Body-parser and other middleware errors that are the caller's fault. */
function clientErrorOf(err: unknown): ApiError | null {
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large') return bodyErrors.tooLarge();
  if (e?.type === 'entity.parse.failed') return bodyErrors.notJson();
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new ApiError('BAD_PARAM', '不支持的字符编码', 'body');
  if (e?.type === 'request.aborted') return bodyErrors.aborted();
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new ApiError('BAD_PARAM', '请求无法解析', 'body');
  return null;
}

/**
 * An error that reached the end of a request becomes its envelope: the caller's fault as
 * itself; anything else is logged by name and code (a driver's message may quote the data)
 * and answered as 500 without detail.
 */
export function answerError(res: ServerResponse, log: Logger | undefined, err: unknown): void {
  const known = err instanceof ApiError ? err : clientErrorOf(err);
  if (!known) log?.error(errorFields(err), 'unhandled error');
  if (res.headersSent) {
    res.end();
    return;
  }
  sendEnvelope(res, errorEnvelope(known ?? err));
}

/** The last middleware: every error becomes an envelope; internals go to the log only. */
export function errorHandler() {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => answerError(res, req.log, err);
}

export function notFoundHandler() {
  return (_req: Request, res: Response): void => {
    sendEnvelope(res, errorEnvelope(new ApiError('NOT_FOUND', '接口不存在', 'path')));
  };
}

/**
 * Optional query-string parameters, read one by one: `text` (at most 100 characters) and `int`
 * (a whole number from 1 to max, or the default when absent). A bad value is a 400 naming it.
 */
export function queryParams(qs: Record<string, unknown>): { text(k: string): string | undefined; int(k: string, d: number, max: number): number } {
  const text = (k: string): string | undefined => {
    const v = qs[k];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string' || v.length > 100) throw new ApiError('BAD_PARAM', '取值不合法', k);
    return v;
  };
  const int = (k: string, d: number, max: number): number => {
    const v = text(k);
    if (v === undefined) return d;
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new ApiError('BAD_PARAM', `应为 1 至 ${max} 的整数`, k);
    return Number(v);
  };
  return { text, int };
}
