/**
 * The express application: plumbing first, then each area's routes, then the error answer.
 * Route modules stay thin: parse → authorise → call a service → shape the envelope.
 */
import express, { Express } from 'express';
import type { AppContext } from './context';
import { healthRoutes } from './health';
import { errorHandler, notFoundHandler, requestContext } from './http';
import { requireOperator } from './operator-auth';
import { syncAdminRoutes } from './sync-admin';

export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestContext(ctx.log));
  app.use(healthRoutes(ctx));
  app.use('/dprs/admin/sync', requireOperator(ctx), syncAdminRoutes(ctx));
  app.use(notFoundHandler());
  app.use(errorHandler());
  return app;
}
