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
import { consumerMethodStats, lookupsOfKey } from './auditing/store';
import { verifyAnchoredChain } from './auditing/anchors';
import { listOperatorActions, recordOperatorAction } from './auditing/operator-actions';
import { matterStats } from '../catalog/matters/report';


/** What an admin read is recorded with: the query, except a looked-up key, kept only as its keyed hash. */
function readDetail(ctx: AppContext, req: Request): Record<string, unknown> {
  const detail: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req.query)) {
    if (typeof v !== 'string') continue;
    const kind = AUDIT_KEY_KINDS.find((x) => x === k);
    if (!kind) detail[k] = v.slice(0, 100);
    else {
      const key = canonicalQueryKey(kind, v);
      detail[k] = 'value' in key ? { keyHash: queryKeyHash(ctx.config.auditKey, key.value) } : '(invalid)';
    }
  }
  return detail;
}

/** Admin reads are recorded with the person (`sub`) and role before they are answered. */
function requireAdminReader(ctx: AppContext, ...roles: Array<'operator' | 'auditor'>) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const p = principalOf(ctx.config, req, res);
    requireRole(p, ...roles);
    res.locals.operator = p;
    if (req.method === 'GET') {
      await recordOperatorAction(ctx.db, { actor: p.sub, role: p.role, action: 'admin.read', target: (req.baseUrl + req.path).slice(0, 200), detail: readDetail(ctx, req), requestId: req.id });
    }
    next();
  };
}

/** Operators only (tokens or workbench sessions). */
export function requireOperator(ctx: AppContext) {
  return requireAdminReader(ctx, 'operator');
}

/** The audit is also open to auditors (read-only: these routes only read). */
function requireAuditReader(ctx: AppContext) {
  return requireAdminReader(ctx, 'operator', 'auditor');
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
    sendEnvelope(res, ok([await verifyAnchoredChain(ctx.db, ctx.config.auditKey, ctx.config.dataDir)]));
  });

  /** ?actor=&hours=&limit=: what operators did and read, newest first. */
  r.get('/dprs/admin/audit/operators', async (req, res) => {
    const actor = typeof req.query.actor === 'string' && req.query.actor !== '' ? req.query.actor : undefined;
    const hours = req.query.hours ?? '720';
    if (typeof hours !== 'string' || !/^\d{1,5}$/.test(hours) || Number(hours) < 1) throw new ApiError('BAD_PARAM', '应为 1–99999 的整数', 'hours');
    const limit = req.query.limit ?? '200';
    if (typeof limit !== 'string' || !/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > 1000) throw new ApiError('BAD_PARAM', '应为 1–1000 的整数', 'limit');
    res.setHeader('Cache-Control', 'no-store');
    sendEnvelope(res, ok(await listOperatorActions(ctx.db, { actor, since: Date.now() - Number(hours) * 3600000, limit: Number(limit) })));
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
