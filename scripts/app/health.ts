import { Router } from 'express';
import type { AppContext } from '../../gateway/context';
import { isReachable } from '../../core/db';

/** /healthz: the process answers. /readyz: the database answers too (503 otherwise). */
export function healthRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const db = await isReachable(ctx.db);
    res.status(db ? 200 : 503).json({ status: db ? 'ready' : 'unavailable', database: db ? 'ok' : 'unreachable' });
  });
  return r;
}
