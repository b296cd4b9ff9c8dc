/**
 * What the workbench pages need beyond the catalogue and admin APIs (which they call
 * directly, signed in by session), under /dprs/workbench/api:
 *   officer:  GET /resources (my resources, every status) · GET /sync · POST /sync/:id/run · GET /sync/runs/:id/rejects
 *   operator: GET /review-queue (drafts with their diff) · the same /sync across departments ·
 *             GET/POST /consumers · POST /consumers/:id/{disable,enable} · POST /departments
 *   clerk:    GET /lookup/methods (methods with the items and masks of the clerk's system; a generic
 *             method with its declared parameters) · POST /lookup
 *   operator: GET /gaps (unmet demands and materials not 可免提交) · GET /report?format=json|csv|xlsx (per department);
 *             an officer may read their own department's row with ?department=, another's is refused (403)
 * Demands (addressed to a department, the 附件2 form) are catalogue routes; 校核差异 are /dprs/admin/verify's.
 */
import express, { Request, Response, Router } from 'express';
import type { AppContext } from '../context';
import type { Db } from '../../core/db';
import { sendEnvelope } from '../../core/http';
import { ApiError, ok } from '../../core/result-codes';
import { SyncEngine } from '../../adapters/sync/engine';
import { getJob } from '../../adapters/sync/jobs';
import { getRun, rejectsOfRun } from '../../adapters/sync/runs';
import { syncStatus } from '../../adapters/sync/status';
import { registrationOf, resolveAccess } from '../../catalog/access';
import { declaredForm, isDeclaredLookup } from '../../catalog/lookup-declarations';
import { addConsumer, findConsumer, listConsumers, setConsumerDisabled } from '../../catalog/consumers';
import { diffRegistrations } from '../../catalog/diff';
import { effectiveMasks } from '../../catalog/masking';
import { addDepartment, codesProvidedBy, departmentName, draftCodes, providerOf, publishedInterfaces, publishedResourceOfMethod, versionsOf } from '../../catalog/resources';
import { principalForAccount, requireAccountRole, SignedIn } from '../accounts/http';
import { WORKBENCH_API } from '../accounts/routes';
import { answerLookup } from '../pipeline';
import { recordOperatorAction } from '../auditing/operator-actions';
import { LOOKUP_METHODS } from '../lookups/methods';
import { matchDemands } from '../../catalog/demands';
import { materialGaps } from '../../catalog/matters/service';
import { SHEET_MEDIA_TYPES } from '../../catalog/matters/sheets';
import { requireOwnDepartment } from '../../catalog/principal';
import { departmentReport, writeDepartmentReport } from './department-report';

/** An officer sees the jobs their department feeds (the job's department, else its library's provider); the operator every job. */
async function mayManageJob(db: Db, who: SignedIn, jobId: string): Promise<boolean> {
  if (who.account.role === 'operator') return true;
  const stored = await getJob(db, jobId);
  if (!stored) return false;
  // the provider of the resource whose library the job fills owns the library's jobs
  const department = stored.job.department ?? (await providerOf(db, stored.job.library.resourceCode));
  return department === who.account.departmentCode;
}

/** The declared parameters of a published generic method, for the clerk's form; null if it declares no query. */
async function declaredFormOf(db: Db, method: string): Promise<ReturnType<typeof declaredForm> | null> {
  const resource = await publishedResourceOfMethod(db, method);
  const reg = resource ? await registrationOf(db, Number(resource.id), Number(resource.updated_at)) : null;
  const spec = reg?.interfaces?.find((i) => i.method === method);
  return reg && spec && isDeclaredLookup(spec) ? declaredForm(reg, spec) : null;
}

function intParam(v: unknown, name: string): number {
  if (typeof v !== 'string' || !/^\d{1,9}$/.test(v)) throw new ApiError('BAD_PARAM', '应为正整数', name);
  return Number(v);
}

export function workbenchRoutes(ctx: AppContext, engine = new SyncEngine(ctx.db, { leaseMs: ctx.config.sync.leaseMs })): Router {
  const r = Router();
  const db = ctx.db;
  const P = (p: string) => WORKBENCH_API + p;
  const send = (res: Response, data: unknown[]) => sendEnvelope(res, ok(data));
  r.use(WORKBENCH_API, express.json({ limit: ctx.config.bodyLimitBytes })); // a no-op when accountRoutes parsed it already

  // --- resources
  r.get(P('/resources'), async (_req, res) => {
    const me = requireAccountRole(res, 'officer');
    const codes = (await codesProvidedBy(db, me.account.departmentCode!).orderBy('code')) as Array<{ code: string }>;
    const out = [];
    for (const { code } of codes) {
      const versions = await versionsOf(db, code);
      const latest = versions[versions.length - 1];
      const published = versions.find((v) => v.status === 'published') ?? null;
      out.push({ code, name: latest.registration.name, status: latest.status, version: latest.version, published_version: published?.version ?? null, review_note: latest.review_note, updated_at: latest.updated_at });
    }
    send(res, out);
  });

  r.get(P('/review-queue'), async (_req, res) => {
    requireAccountRole(res, 'operator');
    const out = [];
    for (const code of await draftCodes(db)) {
      const versions = await versionsOf(db, code);
      const draft = versions.find((v) => v.status === 'draft')!;
      const published = versions.find((v) => v.status === 'published') ?? null;
      out.push({
        code, version: draft.version, name: draft.registration.name, provider_code: draft.registration.provider_code,
        provider_name: await departmentName(db, draft.registration.provider_code), updated_at: draft.updated_at,
        published_version: published?.version ?? null, diff: published ? diffRegistrations(published.registration, draft.registration) : null,
        registration: draft.registration,
      });
    }
    send(res, out);
  });

  // --- sync jobs
  r.get(P('/sync'), async (_req, res) => {
    const me = requireAccountRole(res, 'officer', 'operator');
    const all = await syncStatus(db, 5);
    const mine = [];
    for (const job of all) if (await mayManageJob(db, me, job.id)) mine.push(job);
    send(res, mine);
  });

  r.post(P('/sync/:id/run'), async (req, res) => {
    const me = requireAccountRole(res, 'officer', 'operator');
    const stored = await getJob(db, String(req.params.id));
    if (!stored || !(await mayManageJob(db, me, stored.job.id))) throw new ApiError('NOT_FOUND', '没有该同步任务', 'id');
    if (engine.isRunning(stored.job.id)) throw new ApiError('BAD_PARAM', '该任务正在运行', 'id');
    const mode = req.query.mode === 'full' ? 'full' : 'incr';
    await recordOperatorAction(db, { actor: me.account.username, role: me.account.role, action: 'sync.run', target: `job:${stored.job.id}`, detail: { mode }, requestId: req.id });
    engine.startDetached(stored.job, mode, ctx.log);
    send(res, [{ id: stored.job.id, mode, accepted: true }]);
  });

  r.get(P('/sync/runs/:id/rejects'), async (req, res) => {
    const me = requireAccountRole(res, 'officer', 'operator');
    const run = await getRun(db, intParam(req.params.id, 'id'));
    const stored = run ? await getJob(db, run.jobId) : null;
    if (!run || !stored || !(await mayManageJob(db, me, stored.job.id))) throw new ApiError('NOT_FOUND', '没有该同步记录', 'id');
    // reasons and keys only: the raw rows carry ID numbers, not for a page
    send(res, (await rejectsOfRun(db, run.id, 200)).map((x) => ({ row_key: x.row_key, reason: x.reason, created_at: x.created_at })));
  });

  // --- consumer systems and departments (operator)
  r.get(P('/consumers'), async (_req, res) => {
    requireAccountRole(res, 'operator');
    send(res, await listConsumers(db));
  });

  r.post(P('/consumers'), async (req, res) => {
    requireAccountRole(res, 'operator');
    res.setHeader('Cache-Control', 'no-store');
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (typeof b.id !== 'string' || !/^[a-z][a-z0-9-]{2,63}$/.test(b.id)) throw new ApiError('BAD_PARAM', '系统标识应为 3–64 位小写字母、数字或 -，以字母开头', 'id');
    if (typeof b.name !== 'string' || b.name.trim() === '' || b.name.length > 128) throw new ApiError('BAD_PARAM', '系统名称应为 1–128 个字符', 'name');
    const known = [...LOOKUP_METHODS.keys()];
    const methods = Array.isArray(b.methods) ? b.methods : [];
    if (methods.length === 0 || methods.some((m) => !known.includes(m as string))) throw new ApiError('BAD_PARAM', `可调用方法应为 ${known.join(' / ')} 中的一个或多个`, 'methods');
    if (b.department_code && (await departmentName(db, String(b.department_code))) === null) throw new ApiError('BAD_PARAM', '部门不存在', 'department_code');
    if (await findConsumer(db, b.id)) throw new ApiError('BAD_PARAM', `系统标识 ${b.id} 已存在`, 'id');
    const { consumer, secret } = await addConsumer(db, { id: b.id, name: b.name.trim(), departmentCode: (b.department_code as string) || null, methods: methods as string[] });
    send(res, [{ ...consumer, client_secret: secret }]);
  });

  r.post(P('/consumers/:id/:action'), async (req, res) => {
    requireAccountRole(res, 'operator');
    const action = String(req.params.action);
    if (action !== 'disable' && action !== 'enable') throw new ApiError('NOT_FOUND', '接口不存在', 'path');
    if (!(await setConsumerDisabled(db, String(req.params.id), action === 'disable'))) throw new ApiError('NOT_FOUND', '调用方不存在', 'id');
    send(res, [await findConsumer(db, String(req.params.id))]);
  });

  r.post(P('/departments'), async (req, res) => {
    requireAccountRole(res, 'operator');
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (typeof b.code !== 'string' || !/^ZC\d{3}$/.test(b.code)) throw new ApiError('BAD_PARAM', '部门代码应为 ZC 加三位数字', 'code');
    if (typeof b.name !== 'string' || b.name.trim() === '' || b.name.length > 128) throw new ApiError('BAD_PARAM', '部门名称应为 1–128 个字符', 'name');
    const kind = b.kind === undefined ? '部门' : b.kind;
    if (!['部门', '镇街', '运营', '应用'].includes(kind as string)) throw new ApiError('BAD_PARAM', '类别应为 部门 / 镇街 / 运营 / 应用', 'kind');
    send(res, [await addDepartment(db, { code: b.code, name: b.name.trim(), kind: kind as string })]);
  });

  // --- the gap list and the per-department report
  r.get(P('/gaps'), async (_req, res) => {
    const me = requireAccountRole(res, 'operator');
    const [demands, materials] = await Promise.all([matchDemands(db, principalForAccount(me.account), true), materialGaps(db)]);
    send(res, [{ demands, materials }]);
  });

  r.get(P('/report'), async (req, res) => {
    const me = requireAccountRole(res, 'operator', 'officer');
    const department = req.query.department;
    if (department !== undefined && (typeof department !== 'string' || !/^ZC\d{3}$/.test(department))) throw new ApiError('BAD_PARAM', '部门代码形如 ZC005', 'department');
    if (department) requireOwnDepartment(principalForAccount(me.account), department, '查看');
    else if (me.account.role !== 'operator') throw new ApiError('FORBIDDEN', '只能查看本部门的数据', 'department');
    const format = req.query.format ?? 'json';
    if (format !== 'json' && format !== 'csv' && format !== 'xlsx') throw new ApiError('BAD_PARAM', '应为 json / csv / xlsx', 'format');
    const report = await departmentReport(db, department);
    if (format === 'json') return send(res, [report]);
    res.setHeader('Content-Type', SHEET_MEDIA_TYPES[format]);
    res.setHeader('Content-Disposition', `attachment; filename="department-report.${format}"; filename*=UTF-8''${encodeURIComponent('部门资源与数据情况统计表')}.${format}`);
    res.send(await writeDepartmentReport(report, format));
  });

  // --- the clerk's lookup console
  r.get(P('/lookup/methods'), async (_req, res) => {
    const me = requireAccountRole(res, 'clerk');
    const consumer = await findConsumer(db, me.account.consumerId!);
    if (!consumer || consumer.disabled) throw new ApiError('FORBIDDEN', '所属调用方系统不存在或已停用');
    const out = [];
    for (const i of await publishedInterfaces(db)) {
      // a fixed method needs its consumer registered for it; a generic one is decided by grants alone (as the pipeline does)
      const fixed = LOOKUP_METHODS.has(i.method);
      if (fixed && !consumer.methods.includes(i.method)) continue;
      const access = await resolveAccess(db, consumer.id, i.method);
      if (!access.ok) continue;
      const form = fixed ? {} : await declaredFormOf(db, i.method);
      if (!form) continue; // published without a query: nothing to ask it
      // masked as the answer will be: a masked GMSFZH masks CSRQ too, and the page tags every masked value
      const masked = effectiveMasks(access.access.masked);
      out.push({ method: i.method, name: i.name, resource_name: i.resource_name, items: access.access.items, masked: access.access.items.filter((f) => masked.has(f)), ...form });
    }
    send(res, [{ consumer: { id: consumer.id, name: consumer.name, department_code: consumer.departmentCode }, methods: out }]);
  });

  r.post(P('/lookup'), async (req: Request, res: Response) => {
    const me = requireAccountRole(res, 'clerk');
    res.setHeader('Cache-Control', 'no-store');
    const b = (req.body ?? {}) as Record<string, unknown>;
    const consumer = await findConsumer(db, me.account.consumerId!);
    if (!consumer) throw new ApiError('FORBIDDEN', '所属调用方系统不存在或已停用');
    if (typeof b.purpose !== 'string') throw new ApiError('BAD_PARAM', '请填写事由', 'purpose');
    const envelope = await answerLookup(ctx, {
      method: String(b.method ?? ''),
      iface: 'json',
      params: b.params,
      authorization: undefined,
      purposeHeader: encodeURIComponent(b.purpose),
      scope: req,
      clerk: { consumerId: consumer.id, methods: consumer.methods, username: me.account.username },
    });
    sendEnvelope(res, envelope);
  });
  return r;
}
