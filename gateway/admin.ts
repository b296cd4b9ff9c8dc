/**
 * The operator's API (区电政信息中心) under /dprs/admin: who looked a person or an
 * organisation up, the audit chain's state, and per-consumer statistics. Operators, and for
 * these reads auditors, by token or workbench session (catalog/principal.ts); every answer is an envelope.
 */
import { NextFunction, Request, Response, Router } from 'express';
import { principalOf, requireRole } from '../catalog/principal';
import type { AppContext } from './context';
import { sendEnvelope } from '../core/http';
import { ApiError, badParam, ok } from '../core/result-codes';
import { queryKeyHash } from './auditing/chain';
import { canonicalQueryKey, KeyKind } from './auditing/query-key';
import { AUDIT_KEY_KINDS } from '../core/registry';
import { consumerMethodStats, lookupsOfKey, verifyChain } from './auditing/store';
import { matterStats } from '../catalog/matters/report';


export function requireOperator(ctx: AppContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    requireRole(principalOf(ctx.config, req, res), 'operator');
    next();
  };
}

/** The audit is also open to auditors (read-only: these routes only read). */
function requireAuditReader(ctx: AppContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    requireRole(principalOf(ctx.config, req, res), 'operator', 'auditor');
    next();
  };
}

export function adminRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use('/dprs/admin/audit', requireAuditReader(ctx));
  r.use('/dprs/admin/stats', requireAuditReader(ctx));

  /** ?gmsfzh=… (or tyshxydm, czztdm, zzbh, jgmc): every lookup of that key, newest first. */
  r.get('/dprs/admin/audit/lookups', async (req, res) => {
    const given = AUDIT_KEY_KINDS.filter((k) => typeof req.query[k] === 'string');
    if (given.length !== 1) throw badParam('query', `须且只须给出 ${AUDIT_KEY_KINDS.join(' / ')} 之一`);
    const kind = given[0];
    const key = canonicalQueryKey(kind, String(req.query[kind]));
    if ('error' in key) throw badParam(kind, key.error);
    const rows = await lookupsOfKey(ctx.db, queryKeyHash(ctx.config.auditKey, key.value));
    res.setHeader('Cache-Control', 'no-store');
    sendEnvelope(res, ok(rows.map((x) => ({ ...x, at: new Date(x.at).toISOString() }))));
  });

  r.get('/dprs/admin/audit/verify', async (_req, res) => {
    sendEnvelope(res, ok([await verifyChain(ctx.db)]));
  });

  /** ?hours=24: calls, errors and latency per consumer and method; ?by=matter: calls per 事项. */
  r.get('/dprs/admin/stats', async (req, res) => {
    const raw = req.query.hours ?? '24';
    if (typeof raw !== 'string' || !/^\d{1,5}$/.test(raw) || Number(raw) < 1) throw new ApiError('BAD_PARAM', '应为 1–99999 的整数', 'hours');
    const by = req.query.by ?? 'consumer';
    if (by !== 'consumer' && by !== 'matter') throw new ApiError('BAD_PARAM', '应为 consumer 或 matter', 'by');
    const since = Date.now() - Number(raw) * 3600000;
    if (by === 'matter') sendEnvelope(res, ok(await matterStats(ctx.db, since, Date.now() + 1)));
    else sendEnvelope(res, ok(await consumerMethodStats(ctx.db, since)));
  });
  return r;
}
