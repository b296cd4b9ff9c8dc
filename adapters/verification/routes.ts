/**
 * /dprs/admin/verify: 校核差异 for the operator and the owning departments' officers.
 * GET /differences (with counts per item and source), GET /differences/:id,
 * POST /differences/:id/resolve {state, note}. Answers are envelopes, never cached.
 */
import express, { Request, Response, Router } from 'express';
import type { AppContext } from '../../gateway/context';
import { principalFrom, Principal } from '../../catalog/principal';
import { sendEnvelope } from '../../core/http';
import { ok } from '../../core/result-codes';
import { listFor, parseDifferenceQuery, parseId, presentDifference, resolveFor, scopeOf, showFor } from './service';

export function verificationRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use(express.json({ limit: ctx.config.bodyLimitBytes }));
  const principal = (req: Request): Principal => {
    const p = principalFrom(ctx.config, req.get('authorization'));
    scopeOf(p); // refuses anyone but the operator and department officers
    return p;
  };
  r.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store'); // personal values
    next();
  });

  r.get('/differences', async (req: Request, res: Response) => {
    const p = principal(req);
    const { differences, counts } = await listFor(ctx.db, p, await parseDifferenceQuery(ctx.db, req.query as Record<string, unknown>));
    sendEnvelope(res, Object.assign(ok(differences.map(presentDifference)), { counts: counts.map((c) => ({ ...c, item: c.item.toUpperCase() })) }));
  });

  r.get('/differences/:id', async (req: Request, res: Response) => {
    const p = principal(req);
    sendEnvelope(res, ok([presentDifference(await showFor(ctx.db, p, parseId(req.params.id)))]));
  });

  r.post('/differences/:id/resolve', async (req: Request, res: Response) => {
    const p = principal(req) as Principal & { sub: string };
    const d = await resolveFor(ctx.db, p, parseId(req.params.id), req.body);
    // who did what, never the values
    req.log.info({ difference: d.id, state: d.state, by: p.sub }, 'verification difference resolved');
    sendEnvelope(res, ok([presentDifference(d)]));
  });

  return r;
}
