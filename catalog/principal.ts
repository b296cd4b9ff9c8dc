/**
 * Who is calling the catalogue, from the bearer token, else the workbench session (or nobody).
 * Roles: department (acts for the department in `dept`), operator (区电政信息中心), consumer
 * (a registered caller), auditor (reads the audit), anonymous.
 */
import type { Request, Response } from 'express';
import type { Config } from '../core/config';
import { bearerToken, TokenError, verifyToken } from '../core/jwt';
import { ApiError } from '../core/result-codes';

export type Principal =
  | { role: 'anonymous' }
  | { role: 'operator'; sub: string }
  | { role: 'department'; sub: string; dept: string }
  | { role: 'consumer'; sub: string }
  | { role: 'auditor'; sub: string };

const ANONYMOUS: Principal = { role: 'anonymous' };

/** A missing header is an anonymous reader; a present but bad token is refused (401). */
export function principalFrom(config: Config, authorization: string | undefined): Principal {
  if (!authorization) return ANONYMOUS;
  const token = bearerToken(authorization);
  if (!token) throw new ApiError('UNAUTHENTICATED', 'Authorization 应为 Bearer 令牌', 'Authorization');
  let claims;
  try {
    claims = verifyToken(config, token);
  } catch (err) {
    throw new ApiError('UNAUTHENTICATED', err instanceof TokenError ? err.message : '令牌无效', 'Authorization');
  }
  const role = claims.role ?? 'consumer'; // lookup tokens carry no role: they are consumers
  if (role === 'operator') return { role, sub: claims.sub };
  if (role === 'consumer') return { role, sub: claims.sub };
  if (role === 'department') {
    if (typeof claims.dept !== 'string' || !/^ZC\d{3}$/.test(claims.dept)) throw new ApiError('UNAUTHENTICATED', '部门令牌缺少部门代码', 'Authorization');
    return { role, sub: claims.sub, dept: claims.dept };
  }
  throw new ApiError('UNAUTHENTICATED', '令牌角色未知', 'Authorization');
}

/**
 * The one adapter for people: a bearer token decides when present; otherwise the principal
 * the workbench session middleware (gateway/accounts/http.ts) put on res.locals, if any.
 */
export function principalOf(config: Config, req: Request, res: Response): Principal {
  const authorization = req.get('authorization');
  if (!authorization && res.locals.sessionPrincipal) return res.locals.sessionPrincipal as Principal;
  return principalFrom(config, authorization);
}

export function requireRole<R extends Principal['role']>(p: Principal, ...roles: R[]): asserts p is Extract<Principal, { role: R }> {
  if (p.role === 'anonymous') throw new ApiError('UNAUTHENTICATED', '请先登录', 'Authorization');
  if (!roles.includes(p.role as R)) throw new ApiError('FORBIDDEN', `此操作需要 ${roles.join(' / ')} 角色`);
}

/** The operator acts for every department; a department's officer for their own only (403 otherwise). */
export function requireOwnDepartment(p: Principal, code: string, what: string): void {
  requireRole(p, 'operator', 'department');
  if (p.role === 'department' && p.dept !== code) throw new ApiError('FORBIDDEN', `只能${what}本部门的数据`, 'department_code');
}
