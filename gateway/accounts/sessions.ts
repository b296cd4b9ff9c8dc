/**
 * Workbench sessions: a random id in an HttpOnly cookie (only its SHA-256 is stored), a CSRF
 * token bound to the session, an idle timeout and an absolute lifetime.
 */
import crypto from 'node:crypto';
import type { Db } from '../../core/db';
import { recordSignInEvent } from './events';

/** However active, a session ends after a working day. */
export const SESSION_MAX_MS = 12 * 3600 * 1000;
/** last_seen_at is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 15000;

export interface Session {
  username: string;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
}

const hashOf = (id: string) => crypto.createHash('sha256').update(id).digest('hex');

/** Sessions nobody came back to would stay forever: each sign-in ends the dead ones, recorded like any expiry. */
export async function pruneSessions(db: Db, idleMs: number, now = Date.now()): Promise<void> {
  const stale = (q: ReturnType<Db>) => q.where('last_seen_at', '<', now - idleMs).orWhere('created_at', '<', now - SESSION_MAX_MS);
  const dead = (await stale(db('sessions')).select('id_hash', 'username')) as Array<{ id_hash: string; username: string }>;
  for (const d of dead) {
    if ((await db('sessions').where({ id_hash: d.id_hash }).delete()) === 1) await recordSignInEvent(db, { username: d.username, event: 'expired', reason: '空闲超时' }, now);
  }
}

export async function createSession(db: Db, username: string, now = Date.now()): Promise<{ id: string; csrfToken: string }> {
  const id = crypto.randomBytes(32).toString('base64url');
  const csrfToken = crypto.randomBytes(24).toString('base64url');
  await db('sessions').insert({ id_hash: hashOf(id), username, csrf_token: csrfToken, created_at: now, last_seen_at: now });
  return { id, csrfToken };
}

/** The live session of a cookie value, or why there is none. An idle or too old session is ended here. */
export async function resumeSession(db: Db, id: string, idleMs: number, now = Date.now()): Promise<Session | 'expired' | null> {
  const idHash = hashOf(id);
  const row = (await db('sessions').where({ id_hash: idHash }).first()) as { username: string; csrf_token: string; created_at: number | string; last_seen_at: number | string } | undefined;
  if (!row) return null;
  const s: Session = { username: row.username, csrfToken: row.csrf_token, createdAt: Number(row.created_at), lastSeenAt: Number(row.last_seen_at) };
  if (now - s.lastSeenAt > idleMs || now - s.createdAt > SESSION_MAX_MS) {
    // only the request that deletes the row records the expiry
    if ((await db('sessions').where({ id_hash: idHash }).delete()) === 1) await recordSignInEvent(db, { username: s.username, event: 'expired', reason: now - s.createdAt > SESSION_MAX_MS ? '会话超过最长时间' : '空闲超时' }, now);
    return 'expired';
  }
  if (now - s.lastSeenAt > TOUCH_EVERY_MS) await db('sessions').where({ id_hash: idHash }).update({ last_seen_at: now });
  return s;
}

export async function endSession(db: Db, id: string): Promise<void> {
  await db('sessions').where({ id_hash: hashOf(id) }).delete();
}

export async function endOtherSessions(db: Db, username: string, keepId: string): Promise<void> {
  await db('sessions').where({ username }).whereNot({ id_hash: hashOf(keepId) }).delete();
}
