/** The sign-in log: every sign-in, failure, lock, refused address, sign-out, expired session, password change and TOTP enrolment. */
import type { Db } from '../../core/db';

export type SignInEvent = 'sign_in' | 'failure' | 'locked' | 'throttled' | 'sign_out' | 'expired' | 'password' | 'totp';

export async function recordSignInEvent(db: Db, e: { username: string; event: SignInEvent; reason?: string | null; ip?: string | null }, now = Date.now()): Promise<void> {
  await db('sign_in_events').insert({ at: now, username: e.username.slice(0, 64), event: e.event, reason: e.reason?.slice(0, 128) ?? null, ip: e.ip?.slice(0, 64) ?? null });
}

export async function recentSignInEvents(db: Db, limit = 200): Promise<Array<{ at: number; username: string; event: SignInEvent; reason: string | null; ip: string | null }>> {
  const rows = (await db('sign_in_events').orderBy('id', 'desc').limit(limit)) as Array<{ at: number | string; username: string; event: SignInEvent; reason: string | null; ip: string | null }>;
  return rows.map((r) => ({ at: Number(r.at), username: r.username, event: r.event, reason: r.reason, ip: r.ip }));
}
