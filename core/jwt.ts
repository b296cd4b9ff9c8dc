/**
 * Token signing and verification in one place: HS256 only (algorithm pinned), keys from
 * config.jwt.keys chosen by `kid`, issuer pinned, `exp` required.
 */
import crypto, { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Config } from './config';

/**
 * Given a string secret, jsonwebtoken builds a KeyObject on every call (it first tries to read
 * the string as a public key), prominent in a CPU profile of the lookups. Build each once.
 */
const keyObjects = new Map<string, KeyObject>();
function keyObject(secret: string): KeyObject {
  let k = keyObjects.get(secret);
  // Stryker disable next-line ConditionalExpression: building the key on every call is slower, not different
  if (!k) {
    k = crypto.createSecretKey(Buffer.from(secret, 'utf8'));
    keyObjects.set(secret, k);
  }
  return k;
}

export type Claims = Record<string, unknown> & { sub: string };

export function signToken(config: Config, claims: Claims, ttlSeconds: number = config.jwt.ttlSeconds, now = Date.now()): string {
  const key = config.jwt.keys[0];
  const iat = Math.floor(now / 1000);
  return jwt.sign({ ...claims, iat, exp: iat + ttlSeconds }, keyObject(key.secret), { algorithm: 'HS256', keyid: key.kid, issuer: config.jwt.issuer });
}

/**
 * The token of an `Authorization: Bearer …` header, or null: one space-separated token of
 * the characters a JWT (or any RFC 6750 b64token) is made of.
 */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header ?? '');
  return m ? m[1] : null;
}

export class TokenError extends Error {
  override name = 'TokenError';
}

/** Returns the claims of a valid token, or throws TokenError with a Chinese reason. */
export function verifyToken(config: Config, token: string, now = Date.now()): Claims {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.payload === 'string') throw new TokenError('令牌格式错误');
  // the algorithm is pinned below; checking it here too gives alg:none a clear reason
  if (decoded.header.alg !== 'HS256') throw new TokenError('令牌算法不被接受');
  const key = config.jwt.keys.find((k) => k.kid === decoded.header.kid);
  if (!key) throw new TokenError('令牌密钥未知');
  try {
    const payload = jwt.verify(token, keyObject(key.secret), { algorithms: ['HS256'], issuer: config.jwt.issuer, clockTimestamp: Math.floor(now / 1000) }) as jwt.JwtPayload;
    if (typeof payload.exp !== 'number') throw new TokenError('令牌缺少有效期');
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new TokenError('令牌缺少主体');
    return payload as Claims;
  } catch (err) {
    if (err instanceof TokenError) throw err;
    if (err instanceof jwt.TokenExpiredError) throw new TokenError('令牌已过期');
    throw new TokenError('令牌无效');
  }
}
