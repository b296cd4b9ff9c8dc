/** Serves the portal (static HTML + one vanilla JS file) at /portal/. No build step. */
import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

function portalDir(): string {
  // from TypeScript sources __dirname is catalog/, from dist it is dist/catalog/
  const candidates = [path.resolve(__dirname, 'portal'), path.resolve(__dirname, '..', '..', 'catalog', 'portal')];
  for (const c of candidates) if (fs.existsSync(path.join(c, 'index.html'))) return c;
  throw new Error(`portal files not found (looked in ${candidates.join(', ')})`);
}

export function portalRoutes(): Router {
  const r = Router();
  // routes are not strict about the trailing slash: redirect only the bare path, so relative links resolve
  r.get('/portal', (req, res, next) => (req.originalUrl === '/portal' ? res.redirect(301, '/portal/') : next()));
  r.use('/portal', express.static(portalDir(), { index: 'index.html', fallthrough: true, maxAge: 0 }));
  return r;
}
