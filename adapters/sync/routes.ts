/**
 * Operator API for sync (mounted at /dprs/admin/sync behind requireOperator): jobs, status,
 * starting a run, rejects of a run. Answers use the 附件3 envelope like every other route.
 */
import express, { Request, Response, Router } from 'express';
import type { AppContext } from '../../gateway/context';
import { ApiError, ok } from '../../core/result-codes';
import { sendEnvelope } from '../../core/http';
import { defineJob, getJob, JobDefinitionError, listJobs, redactedJob, redactedSource, removeJob, JobDefinition } from './jobs';
import { sourcePolicy } from '../sources';
import { SyncEngine } from './engine';
import { syncStatus } from './status';
import { rejectsOfRun } from './runs';
import { recordOperatorAction } from '../../gateway/auditing/operator-actions';

export function syncAdminRoutes(ctx: AppContext, engine = new SyncEngine(ctx.db, { leaseMs: ctx.config.sync.leaseMs })): Router {
  const r = Router();
  r.use(express.json({ limit: ctx.config.bodyLimitBytes }));
  /** a change, recorded with the operator who made it (set by requireOperator) */
  const changed = (req: Request, res: Response, action: string, target: string, detail?: Record<string, unknown>) =>
    recordOperatorAction(ctx.db, { actor: res.locals.operator?.sub ?? '-', role: 'operator', action, target, detail, requestId: req.id });

  r.get('/jobs', async (_req: Request, res: Response) => {
    const jobs = await listJobs(ctx.db);
    sendEnvelope(res, ok(jobs.map((j) => ({ id: j.job.id, target: j.job.target, source: redactedSource(j.job.source), enabled: j.enabled, schedule: j.job.schedule ?? {}, updated_at: j.updatedAt }))));
  });

  r.get('/jobs/:id', async (req: Request, res: Response) => {
    const stored = await getJob(ctx.db, String(req.params.id));
    if (!stored) throw new ApiError('NOT_FOUND', '没有该同步任务', 'id');
    sendEnvelope(res, ok([redactedJob(stored.job)]));
  });

  r.put('/jobs/:id', async (req: Request, res: Response) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') throw new ApiError('BAD_PARAM', '请求体应为同步任务定义（JSON 对象）', 'body');
    if (body.id !== undefined && body.id !== req.params.id) throw new ApiError('BAD_PARAM', '与路径中的任务编号不一致', 'id');
    try {
      const def = { ...body, id: String(req.params.id) };
      const job = await defineJob(ctx.db, def as unknown as JobDefinition, sourcePolicy(ctx.config));
      await changed(req, res, 'sync.job.save', `job:${job.id}`, { target: job.target });
      sendEnvelope(res, ok([{ id: job.id, target: job.target }]));
    } catch (err) {
      if (err instanceof JobDefinitionError) throw new ApiError('BAD_PARAM', err.message);
      throw err;
    }
  });

  r.delete('/jobs/:id', async (req: Request, res: Response) => {
    if (!(await removeJob(ctx.db, String(req.params.id)))) throw new ApiError('NOT_FOUND', '没有该同步任务', 'id');
    await changed(req, res, 'sync.job.remove', `job:${String(req.params.id)}`);
    sendEnvelope(res, ok([]));
  });

  /** Starts a run and answers at once; progress and the summary appear under /status. */
  r.post('/jobs/:id/runs', async (req: Request, res: Response) => {
    const mode = req.query.mode === 'full' ? 'full' : req.query.mode === undefined || req.query.mode === 'incr' ? 'incr' : null;
    if (!mode) throw new ApiError('BAD_PARAM', '应为 full 或 incr', 'mode');
    const stored = await getJob(ctx.db, String(req.params.id));
    if (!stored) throw new ApiError('NOT_FOUND', '没有该同步任务', 'id');
    if (engine.isRunning(stored.job.id)) throw new ApiError('BAD_PARAM', '该任务正在运行', 'id');
    await changed(req, res, 'sync.run', `job:${stored.job.id}`, { mode });
    engine.startDetached(stored.job, mode, ctx.log);
    sendEnvelope(res, ok([{ id: stored.job.id, mode, accepted: true }]));
  });

  r.get('/status', async (_req: Request, res: Response) => {
    sendEnvelope(res, ok(await syncStatus(ctx.db)));
  });

  r.get('/runs/:id/rejects', async (req: Request, res: Response) => {
    if (!/^\d+$/.test(String(req.params.id))) throw new ApiError('BAD_PARAM', '应为整数', 'id');
    sendEnvelope(res, ok(await rejectsOfRun(ctx.db, Number(req.params.id))));
  });

  return r;
}
