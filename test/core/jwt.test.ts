import crypto from 'node:crypto';
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

describe('every rule of a token', () => {
  const OLD = 'o'.repeat(40);
  const T0 = Date.UTC(2026, 0, 1, 8, 0, 0); // a whole second
  const sign = (payload: object, opts: jwt.SignOptions, secret = OLD) => jwt.sign(payload, secret, opts);
  const valid = { algorithm: 'HS256', keyid: 'old', issuer: 'dprs' } as const;
  const reason = (token: string, now = T0) => {
    try {
      verifyToken(config, token, now);
      return null;
    } catch (err) {
      expect(err).toBeInstanceOf(TokenError);
      expect((err as Error).name).toBe('TokenError');
      return (err as Error).message;
    }
  };
  const at = (now: number) => Math.floor(now / 1000);

  it('signs HS256 with the first key’s kid, the configured issuer, iat now and exp after the lifetime', () => {
    const t = signToken(config, { sub: 'op', role: 'r' }, 90, T0 + 999);
    const { header, payload } = jwt.decode(t, { complete: true }) as jwt.Jwt;
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'old' });
    expect(payload).toEqual({ sub: 'op', role: 'r', iat: at(T0), exp: at(T0) + 90, iss: 'dprs' });
    expect(() => jwt.verify(t, OLD, { algorithms: ['HS256'], clockTimestamp: at(T0) })).not.toThrow();
    expect(() => jwt.verify(t, 'n'.repeat(40), { algorithms: ['HS256'], clockTimestamp: at(T0) })).toThrow('invalid signature');
  });

  it('takes the configured lifetime by default', () => {
    const t = signToken(config, { sub: 'op' }, undefined, T0);
    expect((jwt.decode(t) as jwt.JwtPayload).exp).toBe(at(T0) + config.jwt.ttlSeconds);
  });

  it('signs with another issuer when configured so, and verifies only that one', () => {
    const other = loadConfig({ DATA_DIR: '/tmp/dprs-jwt-test', JWT_KEYS: 'old:' + OLD, JWT_ISSUER: 'zhoucun', LOG_LEVEL: 'silent', AUDIT_KEY: 'a'.repeat(40) });
    const t = signToken(other, { sub: 'op' }, 60, T0);
    expect((jwt.decode(t) as jwt.JwtPayload).iss).toBe('zhoucun');
    expect(verifyToken(other, t, T0).sub).toBe('op');
    expect(reason(t)).toBe('令牌无效');
  });

  it('is valid until the second before exp, expired from exp on', () => {
    const t = signToken(config, { sub: 'op' }, 60, T0);
    expect(verifyToken(config, t, T0).sub).toBe('op');
    expect(verifyToken(config, t, T0 + 59_999).sub).toBe('op');
    expect(reason(t, T0 + 60_000)).toBe('令牌已过期');
    expect(reason(t, T0 + 3600_000)).toBe('令牌已过期');
  });

  it('reads the clock it is given, not the machine’s', () => {
    const past = signToken(config, { sub: 'op' }, 60, Date.UTC(2000, 0, 1));
    expect(verifyToken(config, past, Date.UTC(2000, 0, 1, 0, 0, 30)).sub).toBe('op');
    expect(reason(past, Date.now())).toBe('令牌已过期');
  });

  it('verifies by the kid in the header against that key only', () => {
    expect(verifyToken(config, sign({ sub: 'x', exp: at(T0) + 60 }, { ...valid, keyid: 'new' }, 'n'.repeat(40)), T0).sub).toBe('x');
    expect(reason(sign({ sub: 'x', exp: at(T0) + 60 }, { ...valid, keyid: 'new' }, OLD))).toBe('令牌无效');
    expect(reason(sign({ sub: 'x', exp: at(T0) + 60 }, { ...valid, keyid: 'nope' }))).toBe('令牌密钥未知');
    expect(reason(sign({ sub: 'x', exp: at(T0) + 60 }, { algorithm: 'HS256', issuer: 'dprs' }))).toBe('令牌密钥未知');
  });

  it('pins the algorithm to HS256', () => {
    for (const algorithm of ['HS384', 'HS512'] as const) expect(reason(sign({ sub: 'x', exp: at(T0) + 60 }, { ...valid, algorithm }))).toBe('令牌算法不被接受');
    const unsigned = sign({ sub: 'x', exp: at(T0) + 60 }, { ...valid, algorithm: 'none' as jwt.Algorithm });
    expect(reason(unsigned)).toBe('令牌算法不被接受');
    // a header that lies about its algorithm: the HS256 header on an HS512 signature
    const [, body, sig] = sign({ sub: 'x', exp: at(T0) + 60 }, { ...valid, algorithm: 'HS512' }).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'old' })).toString('base64url');
    expect(reason(`${header}.${body}.${sig}`)).toBe('令牌无效');
  });

  it('requires the configured issuer', () => {
    expect(reason(sign({ sub: 'x', exp: at(T0) + 60 }, { ...valid, issuer: 'evil' }))).toBe('令牌无效');
    expect(reason(sign({ sub: 'x', exp: at(T0) + 60 }, { algorithm: 'HS256', keyid: 'old' }))).toBe('令牌无效');
  });

  it('requires exp, as a number', () => {
    expect(reason(sign({ sub: 'x', iat: at(T0) }, valid))).toBe('令牌缺少有效期');
    // jsonwebtoken will not sign a string exp: made by hand
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT', kid: 'old' })}.${part({ sub: 'x', iss: 'dprs', exp: String(at(T0) + 60) })}`;
    const stringExp = `${unsigned}.${crypto.createHmac('sha256', OLD).update(unsigned).digest('base64url')}`;
    expect(reason(stringExp)).not.toBeNull();
  });

  it('requires a subject: a non-empty string', () => {
    expect(reason(sign({ exp: at(T0) + 60 }, valid))).toBe('令牌缺少主体');
    expect(reason(sign({ sub: '', exp: at(T0) + 60 }, valid))).toBe('令牌缺少主体');
    expect(reason(sign({ sub: 7, exp: at(T0) + 60 }, valid))).toBe('令牌缺少主体');
  });

  it('returns the claims of a valid token', () => {
    const claims = verifyToken(config, sign({ sub: 'x', role: 'operator', exp: at(T0) + 60 }, valid), T0);
    expect(claims).toEqual({ sub: 'x', role: 'operator', exp: at(T0) + 60, iat: expect.any(Number), iss: 'dprs' });
  });

  it('refuses what is not a signed JSON token', () => {
    expect(reason('not-a-token')).toBe('令牌格式错误');
    expect(reason('')).toBe('令牌格式错误');
    expect(reason(jwt.sign('a string payload', OLD, { algorithm: 'HS256', keyid: 'old' }))).toBe('令牌格式错误');
    const t = signToken(config, { sub: 'op' }, 60, T0);
    expect(reason(t.slice(0, -2) + (t.endsWith('AA') ? 'BB' : 'AA'))).toBe('令牌无效');
  });
});
