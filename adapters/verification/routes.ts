/**
 * /dprs/admin/verify: 校核差异 for the operator and the owning departments' officers.
 * GET /differences (with counts per item and source), GET /differences/:id,
 * POST /differences/:id/resolve {state, note}. Answers are envelopes, never cached.
 */
import express, { Request, Response, Router } from 'express';
import type { AppContext } from '../../gateway/context';
import { principalOf, Principal } from '../../catalog/principal';
import { sendEnvelope } from '../../core/http';
import { ok } from '../../core/result-codes';
import { listFor, parseDifferenceQuery, parseId, presentDifference, resolveFor, scopeOf, showFor } from './service';

export function verificationRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use(express.json({ limit: ctx.config.bodyLimitBytes }));
  // a bearer token, or a workbench session (the officer's and operator's 校核差异 pages)
  const principal = (req: Request, res: Response): Principal => {
    const p = principalOf(ctx.config, req, res);
    scopeOf(p); // refuses anyone but the operator and department officers
    return p;
  };
  r.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store'); // personal values
    next();
  });

  r.get('/differences', async (req: Request, res: Response) => {
    const p = principal(req, res);
    const { differences, counts } = await listFor(ctx.db, p, await parseDifferenceQuery(ctx.db, req.query as Record<string, unknown>));
    sendEnvelope(res, Object.assign(ok(differences.map(presentDifference)), { counts: counts.map((c) => ({ ...c, item: c.item.toUpperCase() })) }));
  });

  r.get('/differences/:id', async (req: Request, res: Response) => {
    const p = principal(req, res);
    sendEnvelope(res, ok([presentDifference(await showFor(ctx.db, p, parseId(req.params.id)))]));
  });

  r.post('/differences/:id/resolve', async (req: Request, res: Response) => {
    const p = principal(req, res) as Principal & { sub: string };
    const d = await resolveFor(ctx.db, p, parseId(req.params.id), req.body);
    // who did what, never the values
    req.log.info({ difference: d.id, state: d.state, by: p.sub }, 'verification difference resolved');
    sendEnvelope(res, ok([presentDifference(d)]));
  });

  return r;
}
