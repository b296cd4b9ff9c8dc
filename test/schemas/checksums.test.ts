import {
  checkCreditCode, checkIdNumber, idCheckChar, isEthnicityCode, normaliseLegacyId, orgCodeCheckChar, parseCreditCode, parseIdNumber, SEX_CODES, USCC_CHARSET, usccCheckChar,
} from '../../schemas/checksums';

describe('GB 11643 公民身份号码', () => {
  // the worked example of GB 11643-1999 Annex A: 11010519491231002X
  it('accepts the standard example and computes its check character', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(checkIdNumber('11010519491231002X')).toBeNull();
  });

  it('computes check characters for other vectors', () => {
    expect(idCheckChar('44052418800101001')).toBe('4');
    expect(checkIdNumber('440524188001010014')).toBeNull();
  });

  it.each([
    ['11010519491231002Y', '公民身份号码格式错误（前17位须为数字，末位为数字或X）'],
    ['110105194912310021', '公民身份号码校验位错误'],
    ['11010519491231002', '公民身份号码长度应为18位，实际17位'],
    ['1101051949123100211', '公民身份号码长度应为18位，实际19位'],
    ['110105194902300021', '公民身份号码出生日期错误'],
    ['010105194912310021', '公民身份号码地址码错误'],
    ['', '公民身份号码不能为空'],
  ])('rejects %s', (id, reason) => {
    expect(checkIdNumber(id)).toBe(reason);
  });

  it.each([
    ['20000229', true], // a leap year by the 400-year rule
    ['19000229', false], // not one by the 100-year rule
    ['20240229', true],
    ['20230229', false],
    ['19490431', false],
    ['19491231', true],
    ['19490132', false],
    ['19491301', false],
    ['19490001', false],
    ['19490100', false],
    ['18500101', true],
    ['18491231', false],
  ])('takes the birth date %s as a calendar day: %s', (date, valid) => {
    const first17 = `110105${date}002`;
    expect(checkIdNumber(first17 + idCheckChar(first17))).toBe(valid ? null : '公民身份号码出生日期错误');
  });

  it('normalises a 15-digit legacy number by inserting 19 and appending the check character', () => {
    expect(normaliseLegacyId('110105491231002')).toBe('11010519491231002X');
    expect(parseIdNumber('110105491231002')).toEqual({ value: '11010519491231002X' });
    expect(parseIdNumber('11010549123100A')).toEqual({ error: '15位公民身份号码须全为数字' });
    expect(parseIdNumber('110105491331002')).toEqual({ error: '公民身份号码出生日期错误' });
  });

  it('accepts a lower-case x and surrounding spaces', () => {
    expect(parseIdNumber(' 11010519491231002x ')).toEqual({ value: '11010519491231002X' });
  });

  it('detects every single-digit substitution', () => {
    const good = '11010519491231002X';
    for (let i = 0; i < 17; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === good[i]) continue;
        const bad = good.slice(0, i) + d + good.slice(i + 1);
        expect(checkIdNumber(bad)).not.toBeNull();
      }
    }
  });
});

describe('GB 32100 统一社会信用代码', () => {
  it('accepts the standard example', () => {
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
    expect(checkCreditCode('91350100M000100Y43')).toBeNull();
  });

  it('matches a hand-computed vector', () => {
    // 9·1 + 1·3 + 3·9 + 7·27 + 3·26 + 6·17 = 408; 408 mod 31 = 5; 31 − 5 = 26 → 'T'
    expect(usccCheckChar('91370306000000000')).toBe('T');
    expect(checkCreditCode('91370306000000000T')).toBeNull();
  });

  it('maps check value 31 to 0', () => {
    expect(usccCheckChar('00000000000000000')).toBe('0');
  });

  it.each([
    ['91350100M000100Y44', '统一社会信用代码校验位错误'],
    ['91350100M000100Y4', '统一社会信用代码长度应为18位，实际17位'],
    ['91350100I000100Y43', '统一社会信用代码含非法字符“I”'],
    ['91350100O000100Y43', '统一社会信用代码含非法字符“O”'],
    ['', '统一社会信用代码不能为空'],
  ])('rejects %s', (code, reason) => {
    expect(checkCreditCode(code)).toBe(reason);
  });

  it('upper-cases input before checking', () => {
    expect(parseCreditCode('91350100m000100y43')).toEqual({ value: '91350100M000100Y43' });
  });

  it('computes GB 11714 organisation code check characters', () => {
    // GB 11714's example D2143569-X: 13·3+2·7+1·9+4·10+3·5+5·8+6·4+9·2 = 199, 11 − 199 mod 11 = 10 → X
    expect(orgCodeCheckChar('D2143569')).toBe('X');
    // 1·3 + 1·5 + 5·8 + 4·4 + 4·2 = 72, 11 − 72 mod 11 = 5
    expect(orgCodeCheckChar('10001544')).toBe('5');
  });
});

describe('GB/T 3304 ethnicity codes', () => {
  it('accepts 01–56 and rejects others', () => {
    expect(isEthnicityCode('01')).toBe(true);
    expect(isEthnicityCode('56')).toBe(true);
    expect(isEthnicityCode('57')).toBe(false);
    expect(isEthnicityCode('00')).toBe(false);
    expect(isEthnicityCode('1')).toBe(false);
  });
});

/**
 * The rules derived from their definitions, independently of the code under test: every weight
 * is a power of the modulus' radix, every check value follows from the sum. Each position and
 * each remainder is exercised on its own, so a wrong weight or a wrong table entry shows.
 */
describe('check characters from the definitions of the standards', () => {
  const pow = (base: number, exp: number, mod: number) => {
    let r = 1;
    for (let i = 0; i < exp; i++) r = (r * base) % mod;
    return r;
  };
  const put = (zeros: string, at: number, ch: string) => zeros.slice(0, at) + ch + zeros.slice(at + 1);

  describe('GB 11643 (ISO 7064 MOD 11-2)', () => {
    // weight of the k-th digit from the left is 2^(17−k) mod 11; the check character a18 makes the weighted sum ≡ 1 (mod 11)
    const weight = (k: number) => pow(2, 17 - k, 11);
    const checkOf = (sum: number) => {
      const a = (12 - (sum % 11)) % 11;
      return a === 10 ? 'X' : String(a);
    };

    it('gives the check character of every remainder 0–10', () => {
      const table = { 0: '1', 1: '0', 2: 'X', 3: '9', 4: '8', 5: '7', 6: '6', 7: '5', 8: '4', 9: '3', 10: '2' } as Record<number, string>;
      for (let r = 0; r <= 10; r++) {
        // one digit d at a position of weight w reaches remainder r when d·w ≡ r (mod 11)
        const [k, d] = r === 10 ? [0, 3] : [7, r]; // weight 1 at position 8; 3·7 = 21 ≡ 10
        const body = put('0'.repeat(17), k, String(d));
        expect(checkOf(d * weight(k))).toBe(table[r]);
        expect(idCheckChar(body)).toBe(table[r]);
      }
    });

    it('weighs every position by its own weight, for every digit', () => {
      for (let k = 0; k < 17; k++) {
        for (let d = 1; d <= 9; d++) expect(idCheckChar(put('0'.repeat(17), k, String(d)))).toBe(checkOf(d * weight(k)));
      }
    });

    it('accepts a real-looking number of each check character and rejects each of the ten others', () => {
      const base = '3703061990010112';
      for (let last = 0; last <= 9; last++) {
        const body = base + last;
        const sum = [...body].reduce((s, c, k) => s + Number(c) * weight(k), 0);
        const good = body + checkOf(sum);
        expect(checkIdNumber(good)).toBeNull();
        for (const other of '0123456789X') if (other !== good[17]) expect(checkIdNumber(body + other)).toBe('公民身份号码校验位错误');
      }
    });

    it('parses a legacy number into the same check character as the 18-digit rule', () => {
      for (let seq = 0; seq < 11; seq++) {
        const id15 = '370306900101' + String(seq).padStart(3, '0');
        const first17 = '37030619900101' + String(seq).padStart(3, '0');
        const sum = [...first17].reduce((s, c, k) => s + Number(c) * weight(k), 0);
        expect(normaliseLegacyId(id15)).toBe(first17 + checkOf(sum));
      }
    });
  });

  describe('GB 32100 (MOD 31)', () => {
    // weight of the k-th character from the left is 3^k mod 31; check value 31 − (sum mod 31), with 31 written 0
    const weight = (k: number) => pow(3, k, 31);
    const checkOf = (sum: number) => USCC_CHARSET[(31 - (sum % 31)) % 31];

    it('uses the code character set in the standard order', () => {
      expect(USCC_CHARSET).toBe('0123456789ABCDEFGHJKLMNPQRTUWXY');
    });

    it('gives every check value 0–30, 31 written as 0', () => {
      for (let v = 0; v < 31; v++) {
        // weight 1 at the first position: the sum is the character's value
        const body = put('0'.repeat(17), 0, USCC_CHARSET[v]);
        expect(usccCheckChar(body)).toBe(USCC_CHARSET[v === 0 ? 0 : 31 - v]);
      }
    });

    it('weighs every position by its own weight, for every character', () => {
      for (let k = 0; k < 17; k++) {
        for (let v = 1; v < 31; v++) expect(usccCheckChar(put('0'.repeat(17), k, USCC_CHARSET[v]))).toBe(checkOf(v * weight(k)));
      }
    });
  });

  describe('GB 11714 organisation code (MOD 11)', () => {
    // weight of the k-th character is 2^(8−k) mod 11; digits are worth 0–9, letters A–Z 10–35;
    // check value 11 − (sum mod 11), 10 written X and 11 written 0
    const weight = (k: number) => pow(2, 8 - k, 11);
    const value = (ch: string) => '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.indexOf(ch);
    const checkOf = (sum: number) => {
      const c = 11 - (sum % 11);
      return c === 10 ? 'X' : c === 11 ? '0' : String(c);
    };

    it('weighs every position by its own weight, for every digit and letter', () => {
      for (let k = 0; k < 8; k++) {
        for (const ch of '123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
          expect(orgCodeCheckChar(put('0'.repeat(8), k, ch))).toBe(checkOf(value(ch) * weight(k)));
        }
      }
    });

    it('gives every check value, 10 as X and 11 as 0', () => {
      const seen = new Set<string>();
      for (let d = 0; d <= 9; d++) {
        for (let e = 0; e <= 9; e++) {
          const body = `000000${d}${e}`; // weights 4 and 2
          const c = orgCodeCheckChar(body);
          expect(c).toBe(checkOf(d * 4 + e * 2));
          seen.add(c);
        }
      }
      expect([...seen].sort()).toEqual([...'0123456789X'].sort());
    });
  });

  describe('the organisation code inside a credit code', () => {
    const withOrg = (head8: string, org8: string, orgCheck: string) => {
      const first17 = head8 + org8 + orgCheck;
      return first17 + usccCheckChar(first17);
    };

    it('accepts a credit code whose positions 9–17 are a valid organisation code, of each check value', () => {
      const byCheck = new Map<string, string>();
      for (let n = 0; n < 100; n++) {
        const org = 'D21435' + String(n).padStart(2, '0');
        if (!byCheck.has(orgCodeCheckChar(org))) byCheck.set(orgCodeCheckChar(org), org);
      }
      expect(byCheck.size).toBe(11);
      for (const [check, org] of byCheck) {
        const code = withOrg('91370306', org, check);
        expect(checkCreditCode(code)).toBeNull();
        expect(parseCreditCode(code.toLowerCase())).toEqual({ value: code });
      }
    });

    it('rejects every other organisation check character even when the credit code check is right', () => {
      const org = 'D2143569';
      const good = orgCodeCheckChar(org);
      for (const other of '0123456789X') {
        if (other === good) continue;
        expect(checkCreditCode(withOrg('91370306', org, other))).toBe('统一社会信用代码中的组织机构代码校验位错误');
      }
    });

    it('reads the organisation code at positions 9–17 and no other', () => {
      // a valid organisation code one position off is not one
      const org = '12345678';
      const shifted = '9137030' + org + orgCodeCheckChar(org) + '0';
      expect(orgCodeCheckChar(shifted.slice(8, 16))).not.toBe(shifted[16]);
      expect(checkCreditCode(shifted + usccCheckChar(shifted))).toBe('统一社会信用代码中的组织机构代码校验位错误');
    });
  });
});

describe('the other parts of a 公民身份号码', () => {
  const withCheck = (first17: string) => first17 + idCheckChar(first17);

  it('takes birth dates from 1850 on, each month 1–12 and each day up to the month’s last (leap years included)', () => {
    const ok = ['18500101', '19000228', '19960229', '20000229', '20240131', '20241231', '20240430'];
    const bad = ['18491231', '19000229', '20230229', '20240001', '20241301', '20240100', '20240132', '20240431'];
    for (const d of ok) expect(checkIdNumber(withCheck('370306' + d + '001'))).toBeNull();
    for (const d of bad) expect(checkIdNumber(withCheck('370306' + d + '001'))).toBe('公民身份号码出生日期错误');
  });

  it('takes an area code of six digits not starting with 0', () => {
    expect(checkIdNumber(withCheck('100000' + '19900101001'))).toBeNull();
    expect(checkIdNumber(withCheck('099999' + '19900101001'))).toBe('公民身份号码地址码错误');
  });

  it('takes the check character X only in the last place, in upper case', () => {
    expect(checkIdNumber('11010519491231002X')).toBeNull();
    expect(checkIdNumber('11010519491231002x')).toBe('公民身份号码格式错误（前17位须为数字，末位为数字或X）');
    expect(checkIdNumber('1101051949123100X2')).toBe('公民身份号码格式错误（前17位须为数字，末位为数字或X）');
    expect(checkIdNumber(' 11010519491231002')).toBe('公民身份号码格式错误（前17位须为数字，末位为数字或X）');
    expect(checkIdNumber(undefined as unknown as string)).toBe('公民身份号码不能为空');
  });

  it('parses caller input: blanks and empty input, 15-digit numbers of a valid date only', () => {
    expect(parseIdNumber('')).toEqual({ error: '公民身份号码不能为空' });
    expect(parseIdNumber(null as unknown as string)).toEqual({ error: '公民身份号码不能为空' });
    expect(parseIdNumber('  ')).toEqual({ error: '公民身份号码不能为空' });
    expect(parseIdNumber('110105491231002 ')).toEqual({ value: '11010519491231002X' });
    expect(parseIdNumber('110105490229002')).toEqual({ error: '公民身份号码出生日期错误' }); // 1949 was no leap year
    expect(parseIdNumber('110105480229002')).toEqual({ value: withCheck('11010519480229002') });
    expect(parseIdNumber('11010519491231002')).toEqual({ error: '公民身份号码长度应为18位，实际17位' });
    expect(parseIdNumber('110105194912310021')).toEqual({ error: '公民身份号码校验位错误' });
    expect(normaliseLegacyId('11010549123100')).toBeNull();
    expect(normaliseLegacyId('1101054912310021')).toBeNull();
    expect(normaliseLegacyId('11010549123100x')).toBeNull();
  });
});

describe('the other parts of a 统一社会信用代码', () => {
  it('names each character outside the set, and the length', () => {
    for (const ch of 'IOZSVa-') expect(checkCreditCode('91350100' + ch + '000100Y43')).toBe(`统一社会信用代码含非法字符“${ch}”`);
    expect(checkCreditCode('91350100M000100Y431')).toBe('统一社会信用代码长度应为18位，实际19位');
    expect(checkCreditCode(undefined as unknown as string)).toBe('统一社会信用代码不能为空');
    expect(parseCreditCode(' 91350100M000100Y43\t')).toEqual({ value: '91350100M000100Y43' });
    expect(parseCreditCode(null as unknown as string)).toEqual({ error: '统一社会信用代码不能为空' });
    expect(parseCreditCode('91350100M000100Y44')).toEqual({ error: '统一社会信用代码校验位错误' });
  });
});

describe('GB/T 2261.1 and GB/T 3304 codes', () => {
  it('knows the four sex codes', () => {
    expect(SEX_CODES).toEqual({ '0': '未知的性别', '1': '男性', '2': '女性', '9': '未说明的性别' });
  });

  it('accepts exactly 01–56, 97 and 98', () => {
    const accepted: string[] = [];
    for (let n = 0; n < 100; n++) if (isEthnicityCode(String(n).padStart(2, '0'))) accepted.push(String(n).padStart(2, '0'));
    expect(accepted).toEqual([...Array.from({ length: 56 }, (_, i) => String(i + 1).padStart(2, '0')), '97', '98']);
    for (const bad of ['1', '001', ' 1', '1 ', 'a1', '']) expect(isEthnicityCode(bad)).toBe(false);
  });
});
