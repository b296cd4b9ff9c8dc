/**
 * The security headers every answer carries, as helmet sets them for our policy — read off
 * helmet once at start-up, then set per response as fixed pairs: helmet's twelve middlewares
 * per request cost more than the headers they write, and none depends on the request.
 * No CORS headers at all: browsers on other origins may not call lookups.
 */
import helmet from 'helmet';

/**
 * tls: the deployment is reached over HTTPS. The TLS-only headers follow it: served over plain
 * HTTP on an intranet address, upgrade-insecure-requests made browsers fetch the portal's
 * scripts over https and the pages stayed blank.
 */
export function securityHeaders(tls: boolean): Array<readonly [string, string]> {
  const policy = helmet({
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], upgradeInsecureRequests: tls ? [] : null },
    },
    strictTransportSecurity: tls,
  });
  const headers: Array<readonly [string, string]> = [];
  const recorder = { setHeader: (name: string, value: unknown) => headers.push([name, String(value)]), removeHeader: () => undefined };
  let done = false;
  policy({} as never, recorder as never, () => (done = true));
  // helmet's middleware is synchronous and request-independent; if that ever changes, fail at start-up
  if (!done || headers.length === 0) throw new Error('helmet did not set its headers synchronously');
  return headers;
}
