/**
 * The JSON interface: POST /dprs/api/<method> with a JSON body, or GET with a query string.
 * The body is the 附件3 envelope and the HTTP status is its result_code. Thin: everything
 * else happens in gateway/pipeline.ts. Posted lookups in their common form are read by the
 * lookup lane (./lookup-lane); these routes answer the rest and are its reference.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { NextFunction, Request, Response, Router } from 'express';
import type { AppContext } from './context';
import { header, RequestScope, sendEnvelope, sendUncached } from '../core/http';
import { answerLookup } from './pipeline';
import { PURPOSE_HEADER } from './purpose';
import { USER_ID_HEADER } from './accounts/user-id';
import { badParam, errorEnvelope, httpStatusOf } from '../core/result-codes';
import { hasValidToken } from './auth/tokens';

/** Method names are identifiers; other names (openapi.json, …) are left to other routes. */
export const METHOD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** A lookup's answer to these parameters (from a query string or a JSON body). */
export async function answerJsonLookup(ctx: AppContext, req: IncomingMessage, res: ServerResponse, scope: RequestScope, method: string, params: unknown): Promise<void> {
  const envelope = await answerLookup(ctx, {
    method,
    iface: 'json',
    params,
    authorization: header(req, 'authorization'),
    purposeHeader: header(req, PURPOSE_HEADER),
    userIdHeader: header(req, USER_ID_HEADER),
    scope,
  });
  sendUncached(res, httpStatusOf(envelope.result_code), 'application/json; charset=utf-8', JSON.stringify(envelope));
}

/** A posted body once parsed: the parameters must be one JSON object. */
export async function answerJsonBody(ctx: AppContext, req: IncomingMessage, res: ServerResponse, scope: RequestScope, method: string, body: unknown): Promise<void> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    sendEnvelope(res, errorEnvelope(badParam('body', '请求体须为JSON对象')));
    return;
  }
  await answerJsonLookup(ctx, req, res, scope, method, body);
}

export function jsonApiRoutes(ctx: AppContext): Router {
  const r = Router();
  const onlyMethodNames = (req: Request, _res: Response, next: NextFunction) => next(METHOD_NAME.test(String(req.params.method)) ? undefined : 'route');

  r.get('/dprs/api/:method', onlyMethodNames, async (req, res) => {
    await answerJsonLookup(ctx, req, res, req, String(req.params.method), { ...(req.query as Record<string, unknown>) });
  });

  // the token is checked before the body is read: without a valid one the answer (401) does not depend on it
  const withToken = (req: Request, res: Response, next: NextFunction) => (hasValidToken(ctx.config, req) ? next() : answerJsonLookup(ctx, req, res, req, String(req.params.method), {}));
  r.post('/dprs/api/:method', onlyMethodNames, withToken, express.json({ limit: ctx.config.bodyLimitBytes, type: () => true }), async (req, res) => {
    await answerJsonBody(ctx, req, res, req, String(req.params.method), req.body);
  });
  return r;
}
