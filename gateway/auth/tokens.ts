/**
 * Consumer access tokens, on top of core/jwt.ts (the one module that signs and
 * verifies JWTs: HS256 only, kid-selected key, exp and issuer required). Claims: sub = consumer id, methods = the
 * lookups the consumer was allowed when the token was issued (resolveAccess still decides
 * on every call).
 */
import type { Config } from '../../core/config';
import { signToken, TokenError, verifyToken } from '../../core/jwt';

export { TokenError };

export interface TokenClaims {
  consumerId: string;
  methods: string[];
}

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

export function issueToken(config: Config, consumerId: string, methods: readonly string[], now = Date.now()): IssuedToken {
  const token = signToken(config, { sub: consumerId, methods: [...methods] }, config.jwt.ttlSeconds, now);
  return { access_token: token, token_type: 'Bearer', expires_in: config.jwt.ttlSeconds };
}

/** A consumer's access token: a valid JWT (core/jwt.ts verifies it) that names its methods. */
export function consumerClaims(config: Config, token: string, now = Date.now()): TokenClaims {
  const payload = verifyToken(config, token, now);
  const methods = (payload as { methods?: unknown }).methods;
  if (!Array.isArray(methods) || !methods.every((m) => typeof m === 'string')) throw new TokenError('令牌缺少授权方法');
  return { consumerId: payload.sub, methods: methods as string[] };
}
