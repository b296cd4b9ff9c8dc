/**
 * /dprs/catalog/matters: the 事项数据需求清单, its spreadsheet import/export, the 免提交率 report
 * and the demand gaps by 事项. Thin: parse → who is calling → service → envelope (or a file).
 */
import express, { NextFunction, Request, Response, Router } from 'express';
import type { AppContext } from '../../gateway/context';
import { sendEnvelope } from '../../core/http';
import { ApiError, ok } from '../../core/result-codes';
import { Principal, principalFrom, requireRole } from '../principal';
import { ValidationFailed } from '../validation';
import { gapsByMatter } from './demand-link';
import { buildReport, parsePeriod, writeReport } from './report';
import { addMaterial, addMatter, editMaterial, listMatters, parseMatterQuery, removeMaterial, showMatter } from './service';
import { MAX_SHEET_BYTES, SHEET_MEDIA_TYPES, SheetFormat } from './sheets';
import { exportSurvey, importSurvey, SheetRejected } from './survey';

export const MATTERS_PREFIX = '/dprs/catalog/matters';

function formatOf(v: unknown, allowJson: boolean): SheetFormat | 'json' {
  const f = v ?? (allowJson ? 'json' : 'xlsx');
  if (f === 'csv' || f === 'xlsx' || (allowJson && f === 'json')) return f;
  throw new ApiError('BAD_PARAM', allowJson ? '应为 json / csv / xlsx' : '应为 csv / xlsx', 'format');
}

function codeParam(v: unknown): string {
  if (typeof v !== 'string' || !/^[A-Z0-9-]{1,32}$/.test(v)) throw new ApiError('BAD_PARAM', '事项编码形如 XK137', 'code');
  return v;
}

function idParam(v: unknown): number {
  if (typeof v !== 'string' || !/^\d{1,9}$/.test(v) || Number(v) < 1) throw new ApiError('BAD_PARAM', '应为正整数', 'id');
  return Number(v);
}

function deptParam(v: unknown): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !/^ZC\d{3}$/.test(v)) throw new ApiError('BAD_PARAM', '部门代码形如 ZC005', 'department');
  return v;
}

/** asciiName for old clients (headers are ASCII), the Chinese name per RFC 6266 for the rest. */
function sendFile(res: Response, format: SheetFormat, asciiName: string, name: string, buf: Buffer): void {
  res.setHeader('Content-Type', SHEET_MEDIA_TYPES[format]);
  res.setHeader('Content-Disposition', `attachment; filename="${asciiName}.${format}"; filename*=UTF-8''${encodeURIComponent(name)}.${format}`);
  res.send(buf);
}

export function matterRoutes(ctx: AppContext): Router {
  const r = Router();
  const db = ctx.db;
  const P = (p = '') => MATTERS_PREFIX + p;
  const who = (res: Response) => res.locals.principal as Principal;
  const send = (res: Response, data: unknown[]) => sendEnvelope(res, ok(data));
  r.use(P(), (req: Request, res: Response, next: NextFunction) => {
    res.locals.principal = principalFrom(ctx.config, req.get('authorization'));
    next();
  });
  r.use(P(), express.json({ limit: ctx.config.bodyLimitBytes }));

  r.get(P(), async (req, res) => send(res, [await listMatters(db, parseMatterQuery(req.query as Record<string, unknown>))]));
  r.post(P(), async (req, res) => send(res, [await addMatter(db, who(res), req.body)]));

  r.get(P('/export'), async (req, res) => {
    const format = formatOf(req.query.format, false) as SheetFormat;
    sendFile(res, format, 'matters-survey', '政务服务事项数据共享需求调研表', await exportSurvey(db, format, deptParam(req.query.department)));
  });
  // the file is the body (text/csv or the XLSX media type): the caller is checked before it is
  // read, and it is bounded before anything parses it
  const mayImport = (_req: Request, res: Response, next: NextFunction) => {
    requireRole(who(res), 'operator', 'department');
    next();
  };
  r.post(P('/import'), mayImport, express.raw({ type: () => true, limit: MAX_SHEET_BYTES }), async (req, res) => {
    const p = who(res);
    requireRole(p, 'operator', 'department');
    const format = formatOf(req.query.format, false) as SheetFormat;
    if (!Buffer.isBuffer(req.body)) throw new ApiError('BAD_PARAM', '请求体应为 CSV 或 XLSX 文件', 'file');
    send(res, [await importSurvey(db, p, req.body, format)]);
  });

  r.get(P('/report'), async (req, res) => {
    const format = formatOf(req.query.format, true);
    const report = await buildReport(db, parsePeriod(req.query.from, req.query.to), deptParam(req.query.department));
    if (format === 'json') send(res, [report]);
    else sendFile(res, format, `matters-report-${report.from}-${report.to}`, `免提交率统计_${report.from}_${report.to}`, await writeReport(report, format));
  });

  r.get(P('/gaps'), async (_req, res) => send(res, await gapsByMatter(db, who(res))));

  r.get(P('/:code'), async (req, res) => send(res, [await showMatter(db, codeParam(req.params.code))]));
  r.post(P('/:code/materials'), async (req, res) => send(res, [await addMaterial(db, who(res), codeParam(req.params.code), req.body)]));
  r.put(P('/:code/materials/:id'), async (req, res) => send(res, [await editMaterial(db, who(res), codeParam(req.params.code), idParam(req.params.id), req.body)]));
  r.delete(P('/:code/materials/:id'), async (req, res) => send(res, [await removeMaterial(db, who(res), codeParam(req.params.code), idParam(req.params.id))]));

  // every bad field or cell goes into data; other errors go to the app's handler
  r.use(P(), (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof ValidationFailed) return sendEnvelope(res, { msg: err.message, result_code: '400', data: err.errors as never[] });
    if (err instanceof SheetRejected) return sendEnvelope(res, { msg: err.message, result_code: '400', data: err.cells as never[] });
    next(err);
  });
  return r;
}
