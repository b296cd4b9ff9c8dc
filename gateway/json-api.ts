/**
 * The JSON interface: POST /dprs/api/<method> with a JSON body, or GET with a query string.
 * The body is the 附件3 envelope and the HTTP status is its result_code. Thin: everything
 * else happens in gateway/pipeline.ts.
 */
import express, { NextFunction, Request, Response, Router } from 'express';
import type { AppContext } from './context';
import { sendEnvelope, sendUncached } from '../core/http';
import { answerLookup } from './pipeline';
import { PURPOSE_HEADER } from './purpose';
import { USER_ID_HEADER } from './accounts/user-id';
import { badParam, errorEnvelope, httpStatusOf } from '../core/result-codes';
import { hasValidToken } from './auth/tokens';

/** Method names are identifiers; other names (openapi.json, …) are left to other routes. */
const METHOD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export function jsonApiRoutes(ctx: AppContext): Router {
  const r = Router();
  const onlyMethodNames = (req: Request, _res: Response, next: NextFunction) => next(METHOD_NAME.test(String(req.params.method)) ? undefined : 'route');
  const answer = async (req: Request, res: Response, params: unknown) => {
    const envelope = await answerLookup(ctx, {
      method: String(req.params.method),
      iface: 'json',
      params,
      authorization: req.get('authorization'),
      purposeHeader: req.get(PURPOSE_HEADER),
      userIdHeader: req.get(USER_ID_HEADER),
      requestId: req.id,
      log: req.log,
    });
    sendUncached(res, httpStatusOf(envelope.result_code), 'application/json; charset=utf-8', JSON.stringify(envelope));
  };

  r.get('/dprs/api/:method', onlyMethodNames, async (req, res) => {
    await answer(req, res, { ...(req.query as Record<string, unknown>) });
  });

  // the token is checked before the body is read: without a valid one the answer (401) does not depend on it
  const tokenFirst = (req: Request, res: Response, next: NextFunction) => (hasValidToken(ctx.config, req.get('authorization')) ? next() : answer(req, res, {}));
  r.post('/dprs/api/:method', onlyMethodNames, tokenFirst, express.json({ limit: ctx.config.bodyLimitBytes, type: () => true }), async (req, res) => {
    if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
      sendEnvelope(res, errorEnvelope(badParam('body', '请求体须为JSON对象')));
      return;
    }
    await answer(req, res, req.body);
  });
  return r;
}
