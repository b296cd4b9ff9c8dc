/**
 * The composition root's express application: plumbing first, then each feature's routes
 * (the lookups with their token, documentation and audit endpoints; the catalogue and its
 * portal; the sync's operator API), then the error answer.
 * Route modules stay thin: parse → authorise → call a service → shape the envelope.
 */
import express, { Express } from 'express';
import helmet from 'helmet';
import type { AppContext } from '../../gateway/context';
import { healthRoutes } from './health';
import { errorHandler, notFoundHandler, requestContext, requestTimeout } from '../../core/http';
import { countVerificationDifferencesWith, httpRequests, routeGroup } from '../../core/metrics';
import { tokenRoutes } from '../../gateway/auth/routes';
import { jsonApiRoutes } from '../../gateway/json-api';
import { soapRoutes } from '../../gateway/soap/service';
import { openApiRoutes } from '../../gateway/openapi';
import { adminRoutes, requireOperator } from '../../gateway/admin';
import { syncAdminRoutes } from '../../adapters/sync/routes';
import type { SyncEngine } from '../../adapters/sync/engine';
import { catalogRoutes } from '../../catalog/routes';
import { matterRoutes } from '../../catalog/matters/routes';
import { portalRoutes } from '../../catalog/portal';
import { verificationRoutes } from '../../adapters/verification/routes';
import { openDifferenceCounts } from '../../adapters/verification/store';
import { sessionMiddleware } from '../../gateway/accounts/http';
import { accountRoutes } from '../../gateway/accounts/routes';
import { workbenchRoutes } from '../../gateway/workbench/routes';
import { workbenchStatic } from '../../gateway/workbench/static';

/** syncEngine: the serving process's engine, so shutdown also stops runs an operator started. */
export function createApp(ctx: AppContext, opts: { syncEngine?: SyncEngine } = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestContext(ctx.log));
  // security headers; no CORS headers at all: browsers on other origins may not call lookups.
  // The TLS-only ones follow the deployment (config.tlsHeaders): served over plain HTTP on an
  // intranet address, upgrade-insecure-requests made browsers fetch the portal's scripts over
  // https and the pages stayed blank
  const tls = ctx.config.tlsHeaders;
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], upgradeInsecureRequests: tls ? [] : null },
      },
      strictTransportSecurity: tls,
    }),
  );
  app.use(requestTimeout(ctx.config.requestTimeoutMs));
  app.use((req, res, next) => {
    res.on('finish', () => httpRequests.inc({ route: routeGroup(req.path), status: String(res.statusCode) }));
    next();
  });
  // the lookups early: each router ahead of them is walked by every call. Only the routes that
  // share their /dprs/api prefix come first (docs and openapi.json are not methods, nor is token)
  app.use(openApiRoutes(ctx));
  app.use(tokenRoutes(ctx));
  app.use(jsonApiRoutes(ctx));
  app.use(soapRoutes(ctx));
  app.use(healthRoutes(ctx));
  app.get('/', (_req, res) => res.redirect(302, '/portal/'));
  // /metrics is not here: it has its own listen address (gateway/metrics-server.ts)
  // people signed in to the workbench: the session (and its CSRF check) before every route that honours it
  app.use(['/dprs/catalog', '/dprs/admin', '/dprs/workbench/api'], sessionMiddleware(ctx));
  app.use(adminRoutes(ctx));
  app.use(matterRoutes(ctx)); // before the catalogue's, whose JSON parser would take its CSV uploads' place
  app.use(catalogRoutes(ctx));
  app.use(portalRoutes());
  app.use('/dprs/admin/sync', requireOperator(ctx), syncAdminRoutes(ctx, opts.syncEngine));
  app.use('/dprs/admin/verify', verificationRoutes(ctx)); // operator and owning departments: it authorises itself
  countVerificationDifferencesWith(() => openDifferenceCounts(ctx.db));
  app.use(accountRoutes(ctx));
  app.use(workbenchRoutes(ctx, opts.syncEngine));
  app.use(workbenchStatic());
  app.use(notFoundHandler());
  app.use(errorHandler());
  return app;
}
