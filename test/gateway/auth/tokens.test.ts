import jwt from 'jsonwebtoken';
import { loadConfig } from '../../../core/config';
import { bearerToken } from '../../../core/jwt';
import { consumerClaims, issueToken, TokenError } from '../../../gateway/auth/tokens';
import { tempDir } from '../../support/databases';

const OLD = 'old-key-old-key-old-key-old-key-0123456789';
const NEW = 'new-key-new-key-new-key-new-key-0123456789';

describe('tokens', () => {
  const rotated = loadConfig({ DATA_DIR: tempDir(), JWT_KEYS: `k2:${NEW},k1:${OLD}`, AUDIT_KEY: 'a'.repeat(40) });
  const previous = loadConfig({ DATA_DIR: tempDir(), JWT_KEYS: `k1:${OLD}`, AUDIT_KEY: 'a'.repeat(40) });

  it('signs with the first key and verifies with any configured key by kid (rotation)', () => {
    const fresh = issueToken(rotated, 'c1', ['getRKZP']).access_token;
    expect(jwt.decode(fresh, { complete: true })!.header.kid).toBe('k2');
    expect(consumerClaims(rotated, fresh)).toEqual({ consumerId: 'c1', methods: ['getRKZP'] });
    const older = issueToken(previous, 'c1', ['getRKHY']).access_token;
    expect(consumerClaims(rotated, older).methods).toEqual(['getRKHY']);
    // a key removed from the configuration no longer verifies
    expect(() => consumerClaims(previous, fresh)).toThrow(TokenError);
  });

  it('expires after the configured lifetime', () => {
    const t = issueToken(rotated, 'c1', [], Date.now() - (rotated.jwt.ttlSeconds + 5) * 1000).access_token;
    expect(() => consumerClaims(rotated, t)).toThrow('令牌已过期');
  });

  it('keeps a verified token only until it expires, per configuration, and never one that failed', () => {
    const t0 = Date.now();
    const t = issueToken(rotated, 'c1', ['getRKZP'], t0).access_token;
    const exp = (jwt.decode(t) as jwt.JwtPayload).exp! * 1000;
    expect(consumerClaims(rotated, t, t0)).toEqual({ consumerId: 'c1', methods: ['getRKZP'] });
    // the second call is answered from the cache: it still expires to the second
    expect(consumerClaims(rotated, t, exp - 1000).consumerId).toBe('c1');
    expect(() => consumerClaims(rotated, t, exp)).toThrow('令牌已过期');
    // verified under one configuration says nothing about another (a key removed there)
    const other = loadConfig({ DATA_DIR: tempDir(), JWT_KEYS: `k3:${OLD}`, AUDIT_KEY: 'a'.repeat(40) });
    const fresh = issueToken(rotated, 'c1', ['getRKZP']).access_token;
    expect(consumerClaims(rotated, fresh).consumerId).toBe('c1');
    expect(() => consumerClaims(other, fresh)).toThrow(TokenError);
    // a token with one character of its signature changed is verified afresh and refused
    const sig = fresh.slice(fresh.lastIndexOf('.') + 1);
    const forged = fresh.slice(0, fresh.lastIndexOf('.') + 1) + (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(() => consumerClaims(rotated, forged)).toThrow('令牌无效');
    expect(() => consumerClaims(rotated, forged)).toThrow('令牌无效');
  });

  it('reads only Bearer tokens', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});
