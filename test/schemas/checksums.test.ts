import {
  checkCreditCode, checkIdNumber, idCheckChar, isEthnicityCode, normaliseLegacyId, orgCodeCheckChar, parseCreditCode, parseIdNumber, usccCheckChar,
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
