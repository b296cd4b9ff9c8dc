/**
 * Consumer access tokens, on top of core/jwt.ts (the one module that signs and
 * verifies JWTs: HS256 only, kid-selected key, exp and issuer required). Claims: sub = consumer id, methods = the
 * lookups the consumer was allowed when the token was issued (resolveAccess still decides
 * on every call).
 */
import type { IncomingMessage } from 'node:http';
import type { Config } from '../../core/config';
import { header } from '../../core/http';
import { bearerToken, signToken, TokenError, verifyToken } from '../../core/jwt';

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

/**
 * Consumer tokens that verified, per configuration (its keys and issuer decide validity), so a
 * lookup does not pay an HMAC and two JSON parses for every call of the same token. A token's
 * verdict depends only on its text, the configuration and the clock, and the clock only through
 * `exp`, which is checked again on every hit (a cached token still expires to the second).
 * Only tokens that verified are kept, so invalid ones cannot fill it; it is emptied when full.
 */
const verified = new WeakMap<Config, Map<string, { claims: TokenClaims; exp: number }>>();
const VERIFIED_TOKENS_MAX = 10000;

/** A consumer's access token: a valid JWT (core/jwt.ts verifies it) that names its methods. */
export function consumerClaims(config: Config, token: string, now = Date.now()): TokenClaims {
  let cache = verified.get(config);
  if (!cache) verified.set(config, (cache = new Map()));
  const hit = cache.get(token);
  if (hit) {
    // the rule jsonwebtoken applies: expired once the clock reaches exp
    if (Math.floor(now / 1000) < hit.exp) return hit.claims;
    cache.delete(token);
    throw new TokenError('令牌已过期');
  }
  const payload = verifyToken(config, token, now);
  const methods = (payload as { methods?: unknown }).methods;
  if (!Array.isArray(methods) || !methods.every((m) => typeof m === 'string')) throw new TokenError('令牌缺少授权方法');
  const claims: TokenClaims = Object.freeze({ consumerId: payload.sub, methods: Object.freeze([...methods]) as string[] });
  if (cache.size >= VERIFIED_TOKENS_MAX) cache.clear();
  cache.set(token, { claims, exp: payload.exp as number });
  return claims;
}

/** Whether a request carries a consumer token that verifies (signature, issuer, expiry, methods): the check made before reading a body. */
export function hasValidToken(config: Config, req: Pick<IncomingMessage, 'headers'>): boolean {
  const token = bearerToken(header(req, 'authorization'));
  if (!token) return false;
  try {
    consumerClaims(config, token);
    return true;
  } catch {
    return false;
  }
}
