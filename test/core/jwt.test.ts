import jwt from 'jsonwebtoken';
import { loadConfig } from '../../core/config';
import { signToken, TokenError, verifyToken } from '../../core/jwt';

const config = loadConfig({ DATA_DIR: '/tmp/dprs-jwt-test', JWT_KEYS: 'old:' + 'o'.repeat(40) + ',new:' + 'n'.repeat(40), LOG_LEVEL: 'silent', AUDIT_KEY: 'a'.repeat(40) });

describe('catalogue tokens', () => {
  it('signs with the first key and verifies by kid', () => {
    const t = signToken(config, { sub: 'op', role: 'operator' }, 60);
    expect(jwt.decode(t, { complete: true })!.header).toMatchObject({ alg: 'HS256', kid: 'old' });
    expect(verifyToken(config, t)).toMatchObject({ sub: 'op', role: 'operator', iss: 'dprs' });
    const rotated = jwt.sign({ sub: 'x' }, 'n'.repeat(40), { algorithm: 'HS256', keyid: 'new', issuer: 'dprs', expiresIn: 60 });
    expect(verifyToken(config, rotated).sub).toBe('x');
  });

  it('refuses unknown kids, other issuers, other algorithms, missing exp, expired tokens', () => {
    const bad = [
      jwt.sign({ sub: 'x' }, 'o'.repeat(40), { algorithm: 'HS256', keyid: 'nope', issuer: 'dprs', expiresIn: 60 }),
      jwt.sign({ sub: 'x' }, 'o'.repeat(40), { algorithm: 'HS256', keyid: 'old', issuer: 'evil', expiresIn: 60 }),
      jwt.sign({ sub: 'x' }, 'o'.repeat(40), { algorithm: 'HS512', keyid: 'old', issuer: 'dprs', expiresIn: 60 }),
      jwt.sign({ sub: 'x' }, 'o'.repeat(40), { algorithm: 'HS256', keyid: 'old', issuer: 'dprs' }),
      jwt.sign({ sub: 'x', exp: Math.floor(Date.now() / 1000) - 10 }, 'o'.repeat(40), { algorithm: 'HS256', keyid: 'old', issuer: 'dprs' }),
      jwt.sign({ sub: 'x' }, 'o'.repeat(40), { algorithm: 'none' as jwt.Algorithm, keyid: 'old', issuer: 'dprs', expiresIn: 60 }),
      'not-a-token',
    ];
    for (const t of bad) expect(() => verifyToken(config, t)).toThrow(TokenError);
    expect(() => verifyToken(config, bad[4])).toThrow('令牌已过期');
  });
});
