/**
 * The composition root's HTTP interface: the lookup lane (gateway/lookup-lane.ts) in front of
 * the express application. The express app: plumbing first, then each feature's routes
 * (the lookups with their token, documentation and audit endpoints; the catalogue and its
 * portal; the sync's operator API), then the error answer.
 * Route modules stay thin: parse → authorise → call a service → shape the envelope.
 */
import type http from 'node:http';
import express, { Express } from 'express';
import type { AppContext } from '../../gateway/context';
import { healthRoutes } from './health';
import { errorHandler, fixedHeaders, notFoundHandler, RequestBasics, requestBasics } from '../../core/http';
import { securityHeaders } from '../../core/security-headers';
import { countVerificationDifferencesWith, httpRequests, routeGroup } from '../../core/metrics';
import { tokenRoutes } from '../../gateway/auth/routes';
import { jsonApiRoutes } from '../../gateway/json-api';
import { SoapService, soapRoutes } from '../../gateway/soap/service';
import { lookupLane } from '../../gateway/lookup-lane';
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

export interface AppOptions {
  /** the serving process's engine, so shutdown also stops runs an operator started */
  syncEngine?: SyncEngine;
  /** the SOAP service, when the lookup lane shares it */
  soap?: SoapService;
}

/** What every request gets, on express's routes and on the lookup lane alike. */
export function requestBasicsOf(ctx: AppContext): RequestBasics {
  return { log: ctx.log, timeoutMs: ctx.config.requestTimeoutMs, onFinish: (path, status) => httpRequests.inc({ route: routeGroup(path), status: String(status) }) };
}

/**
 * The whole HTTP interface: lookups posted in their common form go through the lookup lane,
 * everything else (and any lookup the lane declines) through express.
 */
export function createRequestListener(ctx: AppContext, opts: Pick<AppOptions, 'syncEngine'> = {}): http.RequestListener {
  const soap = new SoapService(ctx);
  const basics = requestBasicsOf(ctx);
  const headers = securityHeaders(ctx.config.tlsHeaders);
  return lookupLane(ctx, { basics, headers, soap }, createApp(ctx, { ...opts, soap }));
}

export function createApp(ctx: AppContext, opts: AppOptions = {}): Express {
  const app = express();
  const basics = requestBasicsOf(ctx);
  const headers = securityHeaders(ctx.config.tlsHeaders);
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestBasics(basics));
  app.use(fixedHeaders(headers));
  // the lookups early: each router ahead of them is walked by every call. Only the routes that
  // share their /dprs/api prefix come first (docs and openapi.json are not methods, nor is token)
  app.use(openApiRoutes(ctx));
  app.use(tokenRoutes(ctx));
  app.use(jsonApiRoutes(ctx));
  app.use(soapRoutes(ctx, opts.soap ?? new SoapService(ctx)));
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
