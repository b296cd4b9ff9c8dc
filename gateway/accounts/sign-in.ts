/**
 * Signing in: password, then (for operator and auditor when WORKBENCH_TOTP_REQUIRED) a TOTP
 * code. Five failures in a row lock the account for WORKBENCH_LOCK_MINUTES; failures from one
 * address, whatever the accounts, are limited to WORKBENCH_ADDRESS_FAILURES per sliding 15
 * minutes (shared through the database), so names cannot be sprayed with common passwords.
 * Every outcome is recorded. Unknown users and wrong passwords get the same answer.
 */
import type { Config } from '../../core/config';
import type { Db } from '../../core/db';
import { ApiError } from '../../core/result-codes';
import { hashSecret, verifySecret } from '../../catalog/secrets';
import { LoginThrottle, signInThrottle } from '../auth/throttle';
import { Account, accountRow, passwordProblem, toAccount, TOTP_ROLES } from './accounts';
import { recordSignInEvent } from './events';
import { createSession, pruneSessions } from './sessions';
import { matchTotp } from './totp';

export const MAX_FAILURES = 5;
const WRONG = '用户名或密码错误';
// verified against when the user does not exist, so both cases cost one scrypt
const DUMMY_HASH = hashSecret('dprs-no-such-account');

export interface SignInRequest {
  username: unknown;
  password: unknown;
  totp?: unknown;
  ip?: string | null;
}

export type SignInResult =
  | { ok: true; account: Account; sessionId: string; csrfToken: string }
  /** the password was right; a TOTP code is needed (no failure counted) */
  | { ok: false; totpRequired: true };

function minutesLeft(until: number, now: number): number {
  return Math.max(1, Math.ceil((until - now) / 60000));
}

export async function signIn(db: Db, config: Config, req: SignInRequest, now = Date.now()): Promise<SignInResult> {
  if (typeof req.username !== 'string' || req.username === '' || req.username.length > 64) throw new ApiError('BAD_PARAM', '请输入用户名', 'username');
  if (typeof req.password !== 'string' || req.password === '' || req.password.length > 128) throw new ApiError('BAD_PARAM', '请输入密码', 'password');
  const username = req.username.trim().toLowerCase();
  const ip = req.ip ?? null;
  const throttle = new LoginThrottle(db, signInThrottle(config.workbench.addressFailures), () => now);
  // before any password is hashed: a refused address costs one read
  if (await throttle.blocked('', ip ?? '-')) {
    await recordSignInEvent(db, { username, event: 'throttled', reason: '来源地址失败次数过多', ip }, now);
    throw new ApiError('RATE_LIMITED', '该地址登录失败次数过多，请 15 分钟后再试', 'username');
  }
  const row = await accountRow(db, username);
  if (!row) {
    verifySecret(req.password, DUMMY_HASH);
    await throttle.recordFailure('', ip ?? '-');
    await recordSignInEvent(db, { username, event: 'failure', reason: '无此用户', ip }, now);
    throw new ApiError('UNAUTHENTICATED', WRONG, 'password');
  }
  const lockedUntil = row.locked_until === null ? 0 : Number(row.locked_until);
  if (lockedUntil > now) {
    await throttle.recordFailure('', ip ?? '-');
    await recordSignInEvent(db, { username, event: 'failure', reason: '账号锁定中', ip }, now);
    throw new ApiError('FORBIDDEN', `账号已锁定，请 ${minutesLeft(lockedUntil, now)} 分钟后再试`, 'username');
  }

  const fail = async (reason: string, message: string, field: string): Promise<never> => {
    await throttle.recordFailure('', ip ?? '-');
    await db('accounts').where({ username }).increment('failures', 1);
    const failures = Number(((await db('accounts').where({ username }).first('failures')) as { failures: number }).failures);
    if (failures >= MAX_FAILURES) {
      const until = now + config.workbench.lockMinutes * 60000;
      await db('accounts').where({ username }).update({ failures: 0, locked_until: until, updated_at: now });
      await recordSignInEvent(db, { username, event: 'failure', reason, ip }, now);
      await recordSignInEvent(db, { username, event: 'locked', reason: `连续 ${MAX_FAILURES} 次失败，锁定 ${config.workbench.lockMinutes} 分钟`, ip }, now);
      throw new ApiError('FORBIDDEN', `连续 ${MAX_FAILURES} 次失败，账号已锁定 ${config.workbench.lockMinutes} 分钟`, field);
    }
    await recordSignInEvent(db, { username, event: 'failure', reason, ip }, now);
    throw new ApiError('UNAUTHENTICATED', `${message}（再失败 ${MAX_FAILURES - failures} 次将锁定账号）`, field);
  };

  if (!verifySecret(req.password, row.password_hash)) return fail('密码错误', WRONG, 'password');
  if (row.disabled) {
    await recordSignInEvent(db, { username, event: 'failure', reason: '账号已停用', ip }, now);
    throw new ApiError('FORBIDDEN', '账号已停用，请联系运维管理员', 'username');
  }
  // when required but not yet enrolled, the session can only enrol (http.ts)
  if (config.workbench.totpRequired && TOTP_ROLES.includes(row.role) && row.totp_secret) {
    if (req.totp === undefined || req.totp === null || req.totp === '') return { ok: false, totpRequired: true };
    const step = typeof req.totp === 'string' ? matchTotp(row.totp_secret, req.totp.trim(), now) : null;
    const last = row.totp_last_step === null ? -1 : Number(row.totp_last_step);
    if (step === null || step <= last) return fail(step === null ? '动态口令错误' : '动态口令重复使用', '动态口令错误', 'totp');
    // a code is good once: a newer step only, so two concurrent uses cannot both pass
    const n = await db('accounts').where({ username }).andWhere((q) => q.whereNull('totp_last_step').orWhere('totp_last_step', '<', step)).update({ totp_last_step: step });
    if (n !== 1) return fail('动态口令重复使用', '动态口令错误', 'totp');
  }
  await db('accounts').where({ username }).update({ failures: 0, locked_until: null, updated_at: now });
  await pruneSessions(db, config.workbench.idleMinutes * 60000, now);
  const session = await createSession(db, username, now);
  await recordSignInEvent(db, { username, event: 'sign_in', ip }, now);
  return { ok: true, account: toAccount({ ...row, failures: 0, locked_until: null }), sessionId: session.id, csrfToken: session.csrfToken };
}

/** The signed-in user changes the password (required after a one-time password). */
export async function changePassword(db: Db, username: string, current: unknown, next: unknown, now = Date.now()): Promise<void> {
  const row = await accountRow(db, username);
  if (!row) throw new ApiError('UNAUTHENTICATED', '请先登录');
  if (typeof current !== 'string' || !verifySecret(current, row.password_hash)) throw new ApiError('BAD_PARAM', '当前密码不正确', 'current_password');
  const problem = passwordProblem(next, username);
  if (problem) throw new ApiError('BAD_PARAM', problem, 'new_password');
  if (next === current) throw new ApiError('BAD_PARAM', '新密码不能与当前密码相同', 'new_password');
  await db('accounts').where({ username }).update({ password_hash: hashSecret(next as string), must_change_password: false, updated_at: now });
  await recordSignInEvent(db, { username, event: 'password', reason: '修改密码' }, now);
}
