/**
 * Operator authentication for the admin API: `Authorization: Bearer <JWT>`, HS256 only, signed
 * with one of the configured keys (kid in the header), our issuer, an expiry, role "operator".
 */
import type { NextFunction, Request, Response } from 'express';
import jwt, { JwtHeader, JwtPayload } from 'jsonwebtoken';
import type { AppContext } from './context';
import { ApiError } from './result-codes';

export function requireOperator(ctx: AppContext) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const m = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(req.get('authorization') ?? '');
    if (!m) return next(new ApiError('UNAUTHENTICATED', '缺少 Bearer 令牌', 'Authorization'));
    const decoded = jwt.decode(m[1], { complete: true }) as { header: JwtHeader } | null;
    const key = ctx.config.jwt.keys.find((k) => k.kid === decoded?.header.kid);
    if (!key) return next(new ApiError('UNAUTHENTICATED', '令牌无效', 'Authorization'));
    let payload: JwtPayload;
    try {
      payload = jwt.verify(m[1], key.secret, { algorithms: ['HS256'], issuer: ctx.config.jwt.issuer }) as JwtPayload;
    } catch {
      return next(new ApiError('UNAUTHENTICATED', '令牌无效或已过期', 'Authorization'));
    }
    if (typeof payload.exp !== 'number') return next(new ApiError('UNAUTHENTICATED', '令牌缺少有效期', 'Authorization'));
    if (payload.role !== 'operator') return next(new ApiError('FORBIDDEN', '需要运维人员身份'));
    next();
  };
}
