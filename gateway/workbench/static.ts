/**
 * Serves the built workbench (Vue 3 + Element Plus, built by `npm run build` into
 * dist/workbench) at /dprs/workbench/. Hash routing and relative asset paths: the same files
 * work at any address and under any prefix a balancer adds.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import express, { NextFunction, Request, Response, Router } from 'express';
import { ApiError } from '../../core/result-codes';

export const WORKBENCH_PATH = '/dprs/workbench';

// the page's own policy: helmet's default adds upgrade-insecure-requests, which would send an
// intranet browser on plain HTTP to https:// for every script and call
const PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

function builtDir(): string | null {
  // from TypeScript sources __dirname is gateway/workbench, from dist it is dist/gateway/workbench
  const candidates = [path.resolve(__dirname, '..', '..', 'workbench'), path.resolve(__dirname, '..', '..', 'dist', 'workbench')];
  return candidates.find((c) => fs.existsSync(path.join(c, 'index.html'))) ?? null;
}

const ASSET = /^\/assets\/[A-Za-z0-9_.-]+\.(js|css)$/;

/**
 * The built scripts and styles gzipped once, on first request, and kept: Element Plus is most
 * of a megabyte, a third of that compressed, which matters on a district's intranet links.
 */
function gzippedAssets(dir: string) {
  const cache = new Map<string, Buffer>();
  return (req: Request, res: Response, next: NextFunction): void => {
    const m = ASSET.exec(req.path);
    if (!m || !/\bgzip\b/.test(req.get('accept-encoding') ?? '')) return next();
    const file = path.join(dir, req.path);
    let body = cache.get(file);
    if (!body) {
      if (!fs.existsSync(file)) return next();
      body = zlib.gzipSync(fs.readFileSync(file), { level: 9 });
      cache.set(file, body);
    }
    res.setHeader('Content-Type', m[1] === 'js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8');
    res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.end(body);
  };
}

export function workbenchStatic(): Router {
  const r = Router();
  const dir = builtDir();
  r.get(WORKBENCH_PATH, (req, res, next) => (req.originalUrl === WORKBENCH_PATH ? res.redirect(301, WORKBENCH_PATH + '/') : next()));
  if (!dir) {
    r.get(WORKBENCH_PATH + '/', () => {
      throw new ApiError('NOT_FOUND', '工作台尚未构建，请运行 npm run build', 'path');
    });
    return r;
  }
  r.use(WORKBENCH_PATH, gzippedAssets(dir));
  r.use(
    WORKBENCH_PATH,
    express.static(dir, {
      index: 'index.html',
      fallthrough: true,
      setHeaders(res, file) {
        res.setHeader('Content-Security-Policy', PAGE_CSP);
        // browsers ignore (and complain about) COOP on plain-HTTP origins such as an intranet IP
        res.removeHeader('Cross-Origin-Opener-Policy');
        // hashed asset names never change; the page itself is always revalidated
        res.setHeader('Cache-Control', file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
      },
    }),
  );
  return r;
}
