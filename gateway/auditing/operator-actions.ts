/**
 * The operator audit: who (a person: the token's `sub`, or `cli:<OS user>`) decided, changed
 * or read what, and when. Catalogue decisions, consumer and sync-job changes and admin reads
 * all go through recordOperatorAction; the operator list reads them back. The only code
 * touching operator_actions. Identifiers a person was looked up by are kept only as keyed
 * hashes (as in audit_log).
 */
import os from 'node:os';
import type { Db } from '../../core/db';
import { canonicalText } from './chain';
import { invokingUser } from '../../core/config';

export interface OperatorAction {
  /** the acting person */
  actor: string;
  role: string;
  /** e.g. catalog.publish, grant.revoke, sync.job.save, consumer.disable, admin.read */
  action: string;
  /** what it was done to: a resource code, an application or grant id, a job id, a path */
  target: string;
  detail?: Record<string, unknown> | null;
  requestId?: string | null;
  at?: number;
}

export interface OperatorActionRecord {
  id: number;
  at: string;
  actor: string;
  role: string;
  action: string;
  target: string;
  detail: Record<string, unknown> | null;
  requestId: string | null;
}

export async function recordOperatorAction(db: Db, a: OperatorAction): Promise<void> {
  await db('operator_actions').insert({
    at: a.at ?? Date.now(),
    actor: canonicalText(a.actor, 128),
    role: canonicalText(a.role, 16),
    action: canonicalText(a.action, 64),
    target: canonicalText(a.target, 200),
    detail: a.detail ? JSON.stringify(a.detail) : null,
    request_id: a.requestId ?? null,
  });
}

/** The person at the keyboard of a command-line change. */
export function commandLineActor(): string {
  let user = invokingUser() ?? '';
  try {
    user ||= os.userInfo().username;
  } catch {
    user ||= 'unknown';
  }
  return `cli:${user}`;
}

/** Newest first; optionally one person's, since a time. */
export async function listOperatorActions(db: Db, q: { actor?: string; since?: number; limit?: number } = {}): Promise<OperatorActionRecord[]> {
  const query = db('operator_actions').orderBy('id', 'desc').limit(Math.min(q.limit ?? 200, 1000));
  if (q.actor) query.where({ actor: q.actor });
  if (q.since !== undefined) query.where('at', '>=', q.since);
  const rows = (await query) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    id: Number(r.id),
    at: new Date(Number(r.at)).toISOString(),
    actor: String(r.actor),
    role: String(r.role),
    action: String(r.action),
    target: String(r.target),
    detail: r.detail ? (JSON.parse(String(r.detail)) as Record<string, unknown>) : null,
    requestId: (r.request_id as string | null) ?? null,
  }));
}
