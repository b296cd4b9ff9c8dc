/** TOTP against the RFC 6238 Appendix B vectors (SHA-1, truncated to the 6 digits apps show). */
import { base32Decode, base32Encode, matchTotp, totpAt } from '../../../gateway/accounts/totp';

const SECRET = base32Encode(Buffer.from('12345678901234567890'));

describe('TOTP (RFC 6238)', () => {
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
  ])('at %i s gives %s', (seconds, code) => {
    expect(totpAt(SECRET, seconds * 1000)).toBe(code);
  });

  it('round-trips base32', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI').toString()).toBe('foobar');
  });

  it('accepts one step of drift either way and nothing further', () => {
    const now = 1111111111 * 1000;
    expect(matchTotp(SECRET, totpAt(SECRET, now - 30000), now)).not.toBeNull();
    expect(matchTotp(SECRET, totpAt(SECRET, now + 30000), now)).not.toBeNull();
    expect(matchTotp(SECRET, totpAt(SECRET, now - 90000), now)).toBeNull();
    expect(matchTotp(SECRET, 'abcdef', now)).toBeNull();
  });
});
