/**
 * Access tokens: the one module that signs and verifies them. HS256 only, signed with the
 * first configured key (its kid in the header), verified with whichever configured key the
 * kid names; exp and the issuer are required. Claims: sub = consumer id, methods = the
 * lookups the consumer was allowed when the token was issued (resolveAccess still decides
 * on every call).
 */
import jwt from 'jsonwebtoken';
import type { Config } from '../config';

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
  const key = config.jwt.keys[0];
  const iat = Math.floor(now / 1000);
  const token = jwt.sign({ methods: [...methods], iat, exp: iat + config.jwt.ttlSeconds }, key.secret, {
    algorithm: 'HS256',
    keyid: key.kid,
    issuer: config.jwt.issuer,
    subject: consumerId,
  });
  return { access_token: token, token_type: 'Bearer', expires_in: config.jwt.ttlSeconds };
}

/** Why a presented token is refused; the caller only ever sees 401 未认证 with a short reason. */
export class TokenError extends Error {}

/** The token of an `Authorization: Bearer …` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header ?? '');
  return m ? m[1] : null;
}

export function verifyToken(config: Config, token: string, now = Date.now()): TokenClaims {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.payload === 'string') throw new TokenError('令牌格式错误');
  // the algorithm is pinned below; checking it here too gives alg:none a clear reason
  if (decoded.header.alg !== 'HS256') throw new TokenError('令牌算法不被接受');
  const key = config.jwt.keys.find((k) => k.kid === decoded.header.kid);
  if (!key) throw new TokenError('令牌密钥未知');
  let payload: jwt.JwtPayload;
  try {
    payload = jwt.verify(token, key.secret, {
      algorithms: ['HS256'],
      issuer: config.jwt.issuer,
      clockTimestamp: Math.floor(now / 1000),
    }) as jwt.JwtPayload;
  } catch (err) {
    if (err instanceof jwt.TokenExpiredError) throw new TokenError('令牌已过期');
    throw new TokenError('令牌无效');
  }
  if (typeof payload.exp !== 'number') throw new TokenError('令牌缺少有效期');
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new TokenError('令牌缺少调用方');
  const methods = (payload as { methods?: unknown }).methods;
  if (!Array.isArray(methods) || !methods.every((m) => typeof m === 'string')) throw new TokenError('令牌缺少授权方法');
  return { consumerId: payload.sub, methods: methods as string[] };
}
