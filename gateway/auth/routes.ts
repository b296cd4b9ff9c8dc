/**
 * POST /dprs/api/token — OAuth2 client credentials. The success answer is OAuth2-shaped
 * ({access_token, token_type, expires_in}); failures are the usual envelopes. Failed attempts
 * are throttled per client id and per address (./throttle); the secret check runs off the
 * event loop and costs the same for unknown ids.
 */
import express, { Router } from 'express';
import type { AppContext } from '../context';
import { authenticateConsumer } from '../../catalog/consumers';
import { ApiError, badParam, errorEnvelope } from '../../core/result-codes';
import { sendEnvelope } from '../../core/http';
import { issueToken } from './tokens';
import { LoginThrottle } from './throttle';

function field(body: unknown, name: string): string | undefined {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : undefined;
}

/** Where a consumer system gets its token (a POST under the lookups' prefix that is not a lookup). */
export const TOKEN_PATH = '/dprs/api/token';

export function tokenRoutes(ctx: AppContext): Router {
  const r = Router();
  const limit = ctx.config.bodyLimitBytes;
  const throttle = new LoginThrottle(ctx.db);
  r.post(
    TOKEN_PATH,
    express.json({ limit, type: ['application/json', 'application/*+json'] }),
    express.urlencoded({ limit, extended: false }),
    async (req, res, next) => {
      try {
        const grantType = field(req.body, 'grant_type');
        const clientId = field(req.body, 'client_id');
        const clientSecret = field(req.body, 'client_secret');
        if (grantType !== 'client_credentials') throw badParam('grant_type', '须为 client_credentials');
        if (!clientId) throw badParam('client_id', '缺少参数');
        if (!clientSecret) throw badParam('client_secret', '缺少参数');
        const id = clientId.slice(0, 64);
        const address = req.ip ?? '-';
        if (await throttle.blocked(id, address)) {
          req.log.warn({ clientId: id }, 'token refused: too many failed attempts');
          sendEnvelope(res, errorEnvelope(new ApiError('RATE_LIMITED', '失败次数过多，请稍后再试')));
          return;
        }
        const consumer = await authenticateConsumer(ctx.db, id, clientSecret.slice(0, 256));
        if (!consumer) {
          await throttle.recordFailure(id, address);
          req.log.warn({ clientId: id }, 'token refused');
          sendEnvelope(res, errorEnvelope(new ApiError('UNAUTHENTICATED', '客户端凭据错误')));
          return;
        }
        res.setHeader('Cache-Control', 'no-store');
        res.status(200).json(issueToken(ctx.config, consumer.id, consumer.methods));
      } catch (err) {
        next(err);
      }
    },
  );
  return r;
}
