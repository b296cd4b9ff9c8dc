/**
 * Shared HTTP plumbing: request ids, the per-request logger, the access log line, and the
 * one place that turns an error into an answer.
 */
import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from './logger';
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

export function requestContext(log: Logger) {
  // the access line is written through the process's logger with the id as a field (the line
  // a child would write, without making one per request); below info it costs nothing
  const accessLine = log.isLevelEnabled('info');
  return (req: Request, res: Response, next: NextFunction): void => {
    const incoming = req.get('x-request-id');
    const reqId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    req.id = reqId;
    // most requests never log: the child logger is made when a handler first asks for it
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', { get: () => (child ??= log.child({ reqId })), configurable: true });
    res.setHeader('X-Request-Id', reqId);
    if (accessLine) {
      const startedAt = process.hrtime.bigint();
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
        // path only: query strings may carry ID numbers
        log.info({ reqId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
      });
    }
    next();
  };
}

export function sendEnvelope(res: Response, envelope: Envelope<unknown>): void {
  if (res.headersSent) return; // already answered (e.g. by the timeout)
  res.status(httpStatusOf(envelope.result_code)).type('application/json; charset=utf-8').send(JSON.stringify(envelope));
}

/**
 * A lookup answer: never cached (no-store), so written without express's send, which would
 * hash every body for an ETag no client may use.
 */
export function sendUncached(res: Response, status: number, contentType: string, body: string): void {
  if (res.headersSent) return; // already answered (e.g. by the timeout)
  res.statusCode = status;
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** A request still unanswered after `ms` gets the 500 envelope; the work is logged, not leaked. */
export function requestTimeout(ms: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      req.log.warn({ ms }, 'request timed out');
      sendEnvelope(res, errorEnvelope(new ApiError('INTERNAL', '处理超时')));
    }, ms);
    timer.unref();
    res.on('close', () => clearTimeout(timer));
    next();
  };
}

/** Body-parser and other middleware errors that are the caller's fault. */
function clientErrorOf(err: unknown): ApiError | null {
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large') return new ApiError('BAD_PARAM', '请求体过大', 'body');
  if (e?.type === 'entity.parse.failed') return new ApiError('BAD_PARAM', '请求体不是合法的JSON', 'body');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new ApiError('BAD_PARAM', '不支持的字符编码', 'body');
  if (e?.type === 'request.aborted') return new ApiError('BAD_PARAM', '请求被中断', 'body');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new ApiError('BAD_PARAM', '请求无法解析', 'body');
  return null;
}

/** The last middleware: every error becomes an envelope; internals go to the log only. */
export function errorHandler() {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const known = err instanceof ApiError ? err : clientErrorOf(err);
    if (!known) req.log?.error({ err }, 'unhandled error');
    if (res.headersSent) {
      res.end();
      return;
    }
    sendEnvelope(res, errorEnvelope(known ?? err));
  };
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
