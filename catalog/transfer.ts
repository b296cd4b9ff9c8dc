/**
 * Import and export of catalogue registrations as JSON files, for departments that keep their
 * catalogue in files. An import validates every registration first and stores nothing if any
 * is invalid; then each is registered, or edited (open draft), or revised (published).
 */
import type { Db } from '../core/db';
import { editDraft, publish, register, revise } from './lifecycle';
import type { Principal } from './principal';
import { validateRegistration } from './registration';
import { publishedRegistrations, Registration, versionsOf } from './resources';
import { FieldError, ValidationFailed } from './validation';

export interface ImportReport {
  registered: string[];
  edited: string[];
  revised: string[];
  unchanged: string[];
  published: string[];
}

function registrationsOf(json: unknown): unknown[] {
  if (Array.isArray(json)) return json;
  const r = (json as { resources?: unknown })?.resources;
  if (Array.isArray(r)) return r;
  throw new ValidationFailed('导入文件', [{ field: '', reason: '应为资源登记的数组，或 {"resources": [...]}' }]);
}

export async function importRegistrations(db: Db, p: Principal, json: unknown, opts: { publish?: boolean } = {}): Promise<ImportReport> {
  const list = registrationsOf(json);
  const errors: FieldError[] = [];
  const codes = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    try {
      const reg = await validateRegistration(db, list[i]);
      if (codes.has(reg.code)) errors.push({ field: `${i}.code`, reason: `资源代码 ${reg.code} 在文件中重复` });
      codes.add(reg.code);
      if (p.role === 'department' && reg.provider_code !== p.dept) errors.push({ field: `${i}.provider_code`, reason: `只能导入本部门（${p.dept}）的资源` });
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      for (const e of err.errors) errors.push({ field: e.field ? `${i}.${e.field}` : String(i), reason: e.reason });
    }
  }
  if (errors.length > 0) throw new ValidationFailed('导入文件', errors);

  const report: ImportReport = { registered: [], edited: [], revised: [], unchanged: [], published: [] };
  for (const body of list as Registration[]) {
    const versions = await versionsOf(db, body.code);
    if (versions.length === 0) {
      await register(db, p, body);
      report.registered.push(body.code);
    } else if (versions.some((v) => v.status === 'draft' || v.status === 'rejected')) {
      await editDraft(db, p, body.code, body);
      report.edited.push(body.code);
    } else if (JSON.stringify(versions.find((v) => v.status === 'published')?.registration) === JSON.stringify(body)) {
      report.unchanged.push(body.code); // re-importing an export creates no new version
      continue;
    } else {
      await revise(db, p, body.code, body);
      report.revised.push(body.code);
    }
    if (opts.publish) {
      await publish(db, p, body.code);
      report.published.push(body.code);
    }
  }
  return report;
}

/** The published registration of every resource (or only those of one provider). */
export function exportRegistrations(db: Db, provider?: string): Promise<Registration[]> {
  return publishedRegistrations(db, provider);
}
