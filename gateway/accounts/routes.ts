/**
 * Sign-in and accounts under /dprs/workbench/api (envelope answers):
 *   POST /session {username, password, totp?} · GET /session · DELETE /session · POST /session/password
 *   POST /session/totp (a secret to enrol) · POST /session/totp/confirm {code}
 *   operator: GET/POST /accounts · POST /accounts/:username/{disable,enable,reset} · GET /sign-in-events
 */
import express, { Request, Response, Router } from 'express';
import type { AppContext } from '../context';
import { sendEnvelope } from '../../core/http';
import { ApiError, ok } from '../../core/result-codes';
import { Account, addAccount, confirmTotpEnrolment, listAccounts, resetAccount, ROLE_NAMES, setAccountDisabled, startTotpEnrolment } from './accounts';
import { recentSignInEvents, recordSignInEvent } from './events';
import { clearSessionCookies, mustEnrolTotp, readCookies, requireAccountRole, SESSION_COOKIE, setSessionCookies, signedIn } from './http';
import { endOtherSessions, endSession } from './sessions';
import { changePassword, signIn } from './sign-in';
import { otpauthUri } from './totp';

export const WORKBENCH_API = '/dprs/workbench/api';

export function accountView(a: Account) {
  return {
    username: a.username,
    display_name: a.displayName,
    role: a.role,
    role_name: ROLE_NAMES[a.role],
    department_code: a.departmentCode,
    consumer_id: a.consumerId,
    must_change_password: a.mustChangePassword,
    has_totp: a.hasTotp,
    locked_until: a.lockedUntil,
    disabled: a.disabled,
    created_at: a.createdAt,
  };
}

/** What is handed over once: the one-time password (an operator or auditor enrols their own TOTP). */
function credentialsView(r: { account: Account; password: string }) {
  return { ...accountView(r.account), one_time_password: r.password };
}

export function accountRoutes(ctx: AppContext): Router {
  const r = Router();
  const db = ctx.db;
  const P = (p: string) => WORKBENCH_API + p;
  r.use(WORKBENCH_API, express.json({ limit: 64 * 1024 }));
  const noStore = (res: Response) => res.setHeader('Cache-Control', 'no-store');

  r.post(P('/session'), async (req: Request, res: Response) => {
    noStore(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const result = await signIn(db, ctx.config, { username: body.username, password: body.password, totp: body.totp, ip: req.ip ?? null });
    if (!result.ok) {
      sendEnvelope(res, { msg: '请输入动态口令', result_code: '401', data: [{ totp_required: true }] as never[] });
      return;
    }
    // a session this browser held before ends: a signed-in id is always a fresh one
    const previous = readCookies(req.get('cookie')).get(SESSION_COOKIE);
    if (previous) await endSession(db, previous);
    setSessionCookies(req, res, result.sessionId, result.csrfToken);
    sendEnvelope(res, ok([{ ...accountView(result.account), must_enrol_totp: mustEnrolTotp(ctx.config, result.account), csrf_token: result.csrfToken, idle_minutes: ctx.config.workbench.idleMinutes }]));
  });

  r.get(P('/session'), async (_req, res) => {
    noStore(res);
    // nobody signed in is a normal answer for the page's first load; an expired session is a 401
    if (!res.locals.signedIn && !res.locals.sessionExpired) return sendEnvelope(res, { msg: '未登录', result_code: '200', data: [] });
    const s = signedIn(res, { firstSteps: true });
    sendEnvelope(res, ok([{ ...accountView(s.account), must_enrol_totp: s.mustEnrolTotp, csrf_token: s.session.csrfToken, idle_minutes: ctx.config.workbench.idleMinutes }]));
  });

  // enrolling one's own authenticator: the secret is shown to its owner only, once per request
  r.post(P('/session/totp'), async (_req, res) => {
    noStore(res);
    const s = signedIn(res, { firstSteps: true });
    if (s.account.mustChangePassword) throw new ApiError('FORBIDDEN', '请先修改初始密码');
    const secret = await startTotpEnrolment(db, s.account.username);
    sendEnvelope(res, ok([{ totp_secret: secret, otpauth_uri: otpauthUri(secret, s.account.username) }]));
  });

  r.post(P('/session/totp/confirm'), async (req, res) => {
    noStore(res);
    const s = signedIn(res, { firstSteps: true });
    await confirmTotpEnrolment(db, s.account.username, ((req.body ?? {}) as Record<string, unknown>).code);
    await recordSignInEvent(db, { username: s.account.username, event: 'totp', reason: '绑定动态口令', ip: req.ip ?? null });
    sendEnvelope(res, ok([]));
  });

  r.delete(P('/session'), async (req, res) => {
    const s = signedIn(res, { firstSteps: true });
    await endSession(db, s.sessionId);
    await recordSignInEvent(db, { username: s.account.username, event: 'sign_out', ip: req.ip ?? null });
    clearSessionCookies(req, res);
    sendEnvelope(res, ok([]));
  });

  r.post(P('/session/password'), async (req, res) => {
    const s = signedIn(res, { firstSteps: true });
    const body = (req.body ?? {}) as Record<string, unknown>;
    await changePassword(db, s.account.username, body.current_password, body.new_password);
    await endOtherSessions(db, s.account.username, s.sessionId); // elsewhere the old password may be known
    sendEnvelope(res, ok([]));
  });

  r.get(P('/accounts'), async (_req, res) => {
    requireAccountRole(res, 'operator');
    sendEnvelope(res, ok((await listAccounts(db)).map(accountView)));
  });

  r.post(P('/accounts'), async (req, res) => {
    requireAccountRole(res, 'operator');
    noStore(res);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const created = await addAccount(db, {
      username: b.username as string,
      displayName: b.display_name as string | undefined,
      role: b.role as string,
      departmentCode: (b.department_code as string | undefined) || null,
      consumerId: (b.consumer_id as string | undefined) || null,
    });
    sendEnvelope(res, ok([credentialsView(created)]));
  });

  r.post(P('/accounts/:username/:action'), async (req, res) => {
    const me = requireAccountRole(res, 'operator');
    noStore(res);
    const username = String(req.params.username);
    const action = String(req.params.action);
    if (username === me.account.username && action !== 'enable') throw new ApiError('BAD_PARAM', '不能停用或重置自己的账号', 'username');
    if (action === 'disable' || action === 'enable') sendEnvelope(res, ok([accountView(await setAccountDisabled(db, username, action === 'disable'))]));
    else if (action === 'reset') sendEnvelope(res, ok([credentialsView(await resetAccount(db, username))]));
    else sendEnvelope(res, { msg: '接口不存在', result_code: '404', data: [] });
  });

  r.get(P('/sign-in-events'), async (_req, res) => {
    requireAccountRole(res, 'operator', 'auditor');
    sendEnvelope(res, ok(await recentSignInEvents(db)));
  });
  return r;
}
