/**
 * The catalogue's HTTP API under /dprs/catalog (envelope format). Thin: parse → who is
 * calling → a catalogue service → envelope. Validation failures list every field in `data`.
 */
import express, { NextFunction, Request, Response, Router } from 'express';
import type { AppContext } from '../gateway/context';
import { sendEnvelope } from '../core/http';
import { ApiError, ok } from '../core/result-codes';
import { apply, decide, listApplications } from './applications';
import { diffRegistrations } from './diff';
import { buildDocument, renderHtml, renderMarkdown } from './documents';
import { demandsAddressedTo, fileDemand, fileDemandForm, listDemands, matchDemands } from './demands';
import { listGrants, revokeGrant } from './grants';
import { editDraft, publish, readableVersions, register, reject, retire, revise, showVersion } from './lifecycle';
import { parseLicensingQuery, searchLicensingItems } from './licensing';
import { allowedMethods, listMethods } from './metaservices';
import { Principal, principalOf, requireRole } from './principal';
import { departmentName, listDepartments, PUBLIC_STATUSES, ResourceVersion } from './resources';
import { dataStateOf } from './data-state';
import { parseSearchQuery, searchResources } from './search';
import { ValidationFailed } from './validation';
import { recordOperatorAction } from '../gateway/auditing/operator-actions';

const CATALOG_PREFIX = '/dprs/catalog';

function who(res: Response): Principal {
  return res.locals.principal as Principal;
}

function intParam(v: unknown, name: string): number {
  if (typeof v !== 'string' || !/^\d{1,9}$/.test(v) || Number(v) < 1) throw new ApiError('BAD_PARAM', '应为正整数', name);
  return Number(v);
}

function codeOf(req: Request): string {
  const code = `${req.params.cls}/${req.params.seq}`;
  if (!/^[1-3][0-9]{2}([0-9]{3}){0,2}\/[0-9]{5}$/.test(code)) throw new ApiError('BAD_PARAM', '资源代码应为“分类码/顺序码”', 'code');
  return code;
}

async function view(ctx: AppContext, v: ResourceVersion) {
  return {
    code: v.code,
    version: v.version,
    status: v.status,
    review_note: v.review_note,
    published_at: v.published_at,
    created_at: v.created_at,
    updated_at: v.updated_at,
    provider_name: await departmentName(ctx.db, v.registration.provider_code),
    registration: v.registration,
  };
}

export function catalogRoutes(ctx: AppContext): Router {
  const r = Router();
  const db = ctx.db;
  r.use(CATALOG_PREFIX, express.json({ limit: ctx.config.bodyLimitBytes }));
  r.use(CATALOG_PREFIX, (req: Request, res: Response, next: NextFunction) => {
    res.locals.principal = principalOf(ctx.config, req, res);
    next();
  });
  const P = (p: string) => CATALOG_PREFIX + p;
  const RES = P('/resources/:cls/:seq');
  const send = (res: Response, data: unknown[]) => sendEnvelope(res, ok(data));
  /** a decision, recorded with the person who made it once it has taken effect */
  const decided = (req: Request, res: Response, action: string, target: string, detail?: Record<string, unknown>) => {
    const p = who(res);
    return recordOperatorAction(db, { actor: 'sub' in p ? p.sub : '-', role: p.role, action, target, detail, requestId: req.id });
  };

  // --- resources
  r.get(P('/resources'), async (req, res) => send(res, [await searchResources(db, parseSearchQuery(req.query as Record<string, unknown>))]));
  r.post(P('/resources'), async (req, res) => send(res, [await view(ctx, await register(db, who(res), req.body))]));
  r.get(RES, async (req, res) => {
    const version = req.query.version === undefined ? undefined : intParam(req.query.version, 'version');
    const v = await showVersion(db, who(res), codeOf(req), version);
    // the resource's data (its library), whichever version is shown: rows, last run, freshness
    const data_state = PUBLIC_STATUSES.includes(v.status) ? await dataStateOf(db, v.code, v.registration.update_cycle) : null;
    send(res, [{ ...(await view(ctx, v)), data_state }]);
  });
  r.put(RES, async (req, res) => send(res, [await view(ctx, await editDraft(db, who(res), codeOf(req), req.body))]));
  r.get(RES + '/versions', async (req, res) => {
    const vs = await readableVersions(db, who(res), codeOf(req));
    if (vs.length === 0) throw new ApiError('NOT_FOUND', '资源不存在', 'code');
    send(res, vs.map((v) => ({ version: v.version, status: v.status, name: v.registration.name, published_at: v.published_at, updated_at: v.updated_at, review_note: v.review_note })));
  });
  r.get(RES + '/versions/:v', async (req, res) => send(res, [await view(ctx, await showVersion(db, who(res), codeOf(req), intParam(req.params.v, 'v')))]));
  r.get(RES + '/diff', async (req, res) => {
    const code = codeOf(req);
    const a = await showVersion(db, who(res), code, intParam(req.query.from, 'from'));
    const b = await showVersion(db, who(res), code, intParam(req.query.to, 'to'));
    send(res, [{ code, from: a.version, to: b.version, ...diffRegistrations(a.registration, b.registration) }]);
  });
  r.post(RES + '/publish', async (req, res) => {
    const v = await publish(db, who(res), codeOf(req));
    await decided(req, res, 'catalog.publish', codeOf(req), { version: v.version });
    send(res, [await view(ctx, v)]);
  });
  r.post(RES + '/reject', async (req, res) => {
    const v = await reject(db, who(res), codeOf(req), req.body?.reason);
    await decided(req, res, 'catalog.reject', codeOf(req), { version: v.version, reason: v.review_note });
    send(res, [await view(ctx, v)]);
  });
  r.post(RES + '/revise', async (req, res) => send(res, [await view(ctx, await revise(db, who(res), codeOf(req), req.body))]));
  r.post(RES + '/retire', async (req, res) => {
    const v = await retire(db, who(res), codeOf(req), req.body?.reason);
    await decided(req, res, 'catalog.retire', codeOf(req), { version: v.version });
    send(res, [await view(ctx, v)]);
  });

  // --- interfaces, documents, metaservices
  r.get([P('/interfaces'), P('/listMethods')], async (_req, res) => send(res, await listMethods(db)));
  r.get(P('/allowedMethods'), async (_req, res) => {
    const p = who(res);
    requireRole(p, 'consumer');
    send(res, await allowedMethods(db, p.sub));
  });
  r.get(P('/interfaces/:method/document'), async (req, res) => {
    const format = req.query.format ?? 'json';
    if (format !== 'json' && format !== 'md' && format !== 'html') throw new ApiError('BAD_PARAM', '应为 html / md / json', 'format');
    const doc = await buildDocument(db, ctx.config, String(req.params.method));
    if (format === 'html') res.type('text/html; charset=utf-8').send(renderHtml(doc));
    else if (format === 'md') res.type('text/markdown; charset=utf-8').send(renderMarkdown(doc));
    else send(res, [doc]);
  });

  // --- reference data
  r.get(P('/licensing-items'), async (req, res) => send(res, [await searchLicensingItems(db, parseLicensingQuery(req.query as Record<string, unknown>))]));
  r.get(P('/departments'), async (_req, res) => send(res, await listDepartments(db)));

  // --- demands (供需对接)
  r.post(P('/demands'), async (req, res) => send(res, [await fileDemand(db, who(res), req.body)]));
  r.get(P('/demands'), async (_req, res) => send(res, await listDemands(db, who(res))));
  r.get(P('/demands/matches'), async (_req, res) => send(res, await matchDemands(db, who(res), false)));
  r.get(P('/demands/gaps'), async (_req, res) => send(res, await matchDemands(db, who(res), true)));
  // a whole 附件2 form (several rows): by an officer for their unit, or by the operator on a unit's behalf (recorded)
  r.post(P('/demands/form'), async (req, res) => {
    const filed = await fileDemandForm(db, who(res), req.body);
    if (who(res).role === 'operator') await decided(req, res, 'demand.file', `department:${filed[0].department_code}`, { demands: filed.map((d) => d.id) });
    send(res, filed);
  });
  r.get(P('/demands/addressed/:department'), async (req, res) => send(res, await demandsAddressedTo(db, who(res), String(req.params.department))));

  // --- applications and grants
  r.post(P('/applications'), async (req, res) => send(res, [await apply(db, who(res), req.body)]));
  r.get(P('/applications'), async (_req, res) => send(res, await listApplications(db, who(res))));
  r.post(P('/applications/:id/decision'), async (req, res) => {
    const id = intParam(req.params.id, 'id');
    const decision = await decide(db, who(res), id, req.body);
    await decided(req, res, req.body?.approve === true ? 'application.approve' : 'application.reject', `application:${id}`);
    send(res, [decision]);
  });
  r.get(P('/grants'), async (_req, res) => send(res, await listGrants(db, who(res))));
  r.post(P('/grants/:id/revoke'), async (req, res) => {
    const id = intParam(req.params.id, 'id');
    const revoked = await revokeGrant(db, who(res), id);
    await decided(req, res, 'grant.revoke', `grant:${id}`);
    send(res, [revoked]);
  });

  // every field error of a validation failure goes into data; other errors go to the app's handler
  r.use(CATALOG_PREFIX, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof ValidationFailed) {
      sendEnvelope(res, { msg: err.message, result_code: '400', data: err.errors as never[] });
      return;
    }
    next(err);
  });
  return r;
}
