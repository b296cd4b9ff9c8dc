/**
 * The workbench session on each request: the HttpOnly session cookie, the CSRF check
 * (double submit: the X-CSRF-Token header must equal the readable dprs_csrf cookie and the
 * token bound to the session) on every unsafe method, and the principal the catalogue and
 * admin routes see (catalog/principal.ts principalOf). A bearer token bypasses all of this.
 */
import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../context';
import { ApiError } from '../../core/result-codes';
import type { Principal } from '../../catalog/principal';
import type { Config } from '../../core/config';
import { Account, findAccount, TOTP_ROLES } from './accounts';
import { resumeSession, Session } from './sessions';

export const SESSION_COOKIE = 'dprs_session';
export const CSRF_COOKIE = 'dprs_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
/** every route that takes a session lies under /dprs (lookups under /dprs/api ignore it) */
const COOKIE_PATH = '/dprs/';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** name=value pairs of the Cookie header; split, not a regex, so linear in its length. */
export function readCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    if (!out.has(name)) out.set(name, part.slice(i + 1).trim());
  }
  return out;
}

function cookie(name: string, value: string, opts: { httpOnly: boolean; secure: boolean; maxAge?: number }): string {
  const parts = [`${name}=${value}`, `Path=${COOKIE_PATH}`, 'SameSite=Strict'];
  if (opts.httpOnly) parts.push('HttpOnly');
  if (opts.secure) parts.push('Secure'); // only when the request came over TLS: plain HTTP intranets must work
  if (opts.maxAge !== undefined) parts.push(`Max-Age=${opts.maxAge}`);
  return parts.join('; ');
}

export function setSessionCookies(req: Request, res: Response, sessionId: string, csrfToken: string): void {
  res.append('Set-Cookie', cookie(SESSION_COOKIE, sessionId, { httpOnly: true, secure: req.secure }));
  res.append('Set-Cookie', cookie(CSRF_COOKIE, csrfToken, { httpOnly: false, secure: req.secure }));
}

export function clearSessionCookies(req: Request, res: Response): void {
  res.append('Set-Cookie', cookie(SESSION_COOKIE, '', { httpOnly: true, secure: req.secure, maxAge: 0 }));
  res.append('Set-Cookie', cookie(CSRF_COOKIE, '', { httpOnly: false, secure: req.secure, maxAge: 0 }));
}

function sameToken(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** How a signed-in account acts in the catalogue. A clerk reads like anybody (the console is theirs). */
export function principalForAccount(a: Account): Principal {
  switch (a.role) {
    case 'officer':
      return { role: 'department', sub: a.username, dept: a.departmentCode! };
    case 'operator':
      return { role: 'operator', sub: a.username };
    case 'auditor':
      return { role: 'auditor', sub: a.username };
    default:
      return { role: 'anonymous' };
  }
}

export interface SignedIn {
  account: Account;
  session: Session;
  sessionId: string;
  /** WORKBENCH_TOTP_REQUIRED and this operator or auditor has no authenticator yet: enrol first */
  mustEnrolTotp: boolean;
}

export function mustEnrolTotp(config: Config, a: Account): boolean {
  return config.workbench.totpRequired && TOTP_ROLES.includes(a.role) && !a.hasTotp;
}

export function sessionMiddleware(ctx: AppContext) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (req.get('authorization')) return next();
    const sessionId = readCookies(req.get('cookie')).get(SESSION_COOKIE);
    if (!sessionId) return next();
    const session = await resumeSession(ctx.db, sessionId, ctx.config.workbench.idleMinutes * 60000);
    if (session === 'expired') res.locals.sessionExpired = true;
    if (session === null || session === 'expired') return next();
    if (!SAFE_METHODS.has(req.method)) {
      const header = req.get(CSRF_HEADER);
      if (!sameToken(header, session.csrfToken) || !sameToken(readCookies(req.get('cookie')).get(CSRF_COOKIE), session.csrfToken)) {
        req.log.warn({ path: req.path }, 'workbench request refused: CSRF token missing or wrong');
        throw new ApiError('FORBIDDEN', '跨站请求校验失败，请刷新页面后重试', CSRF_HEADER);
      }
    }
    const account = await findAccount(ctx.db, session.username);
    if (!account || account.disabled) return next();
    const enrol = mustEnrolTotp(ctx.config, account);
    res.locals.signedIn = { account, session, sessionId, mustEnrolTotp: enrol } satisfies SignedIn;
    // until a one-time password is changed (and a required authenticator enrolled) the account may do nothing else
    if (!account.mustChangePassword && !enrol) res.locals.sessionPrincipal = principalForAccount(account);
    next();
  };
}

/**
 * The signed-in account of this request, or 401 (with the reason when the session just expired).
 * `firstSteps`: the routes of the first sign-in (password change, TOTP enrolment), open before they are done.
 */
export function signedIn(res: Response, opts: { firstSteps?: boolean } = {}): SignedIn {
  const s = res.locals.signedIn as SignedIn | undefined;
  if (!s) throw new ApiError('UNAUTHENTICATED', res.locals.sessionExpired ? '会话已超时，请重新登录' : '请先登录');
  if (s.account.mustChangePassword && !opts.firstSteps) throw new ApiError('FORBIDDEN', '请先修改初始密码');
  if (s.mustEnrolTotp && !opts.firstSteps) throw new ApiError('FORBIDDEN', '请先绑定动态口令');
  return s;
}

export function requireAccountRole(res: Response, ...roles: Account['role'][]): SignedIn {
  const s = signedIn(res);
  if (!roles.includes(s.account.role)) throw new ApiError('FORBIDDEN', '当前账号无权进行此操作');
  return s;
}
