/**
 * The X-Purpose header (事由): why the caller looks this up. HTTP headers are ASCII, so the
 * text arrives percent-encoded UTF-8 (encodeURIComponent('办理营业执照')).
 *
 * A purpose must say something a person can read, and must not carry the data it is about:
 * - bidi controls are refused (they make the audit show another text than was sent), other
 *   control characters too;
 * - what is left after removing control, format (zero-width, BOM, soft hyphen …), other
 *   invisible characters and spaces must not be empty;
 * - an ID number (18 or 15 digits of the GB 11643 shape, birth date included, whatever the
 *   check character) or a valid 统一社会信用代码 is refused: the purpose is kept in clear in the
 *   audit, which holds identifiers only as keyed hashes.
 * Every pattern here is fixed-length or a single character class: linear on any input.
 */
import { badParam } from '../core/result-codes';
import { checkCreditCode } from '../schemas/checksums';

export const PURPOSE_HEADER = 'X-Purpose';
export const PURPOSE_MAX_CHARS = 200;

const CONTROL = /\p{Cc}/u;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
/** what a reader cannot see: format characters, default-ignorables, spaces and separators */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Z}\s\u2800\u3164\uffa0]/gu;
const DATE = '(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])';
const ID18 = new RegExp(`[1-9][0-9]{5}(?:18|19|20)[0-9]{2}${DATE}[0-9]{3}[0-9X]`);
const ID15 = new RegExp(`[1-9][0-9]{5}[0-9]{2}${DATE}[0-9]{3}`);
const CREDIT_CODE = /[0-9A-HJ-NPQRTUWXY]{18}/g;

function containsCreditCode(s: string): boolean {
  CREDIT_CODE.lastIndex = 0;
  for (let m = CREDIT_CODE.exec(s); m; m = CREDIT_CODE.exec(s)) {
    if (checkCreditCode(m[0]) === null) return true;
    CREDIT_CODE.lastIndex = m.index + 1; // overlapping candidates: a valid code may start inside an invalid one
  }
  return false;
}

/** Purposes repeat (a window's clerks give a handful): one accepted is not checked again. */
const accepted = new Map<string, string>();
/**
 * Bounds the memory a flood of distinct purposes can take: 1,000 texts of at most 2,400
 * characters as sent (200 characters percent-encoded); a longer header (padding that trim
 * removes) is checked every time, not kept.
 */
const ACCEPTED_MAX = 1000;
const KEPT_MAX_LENGTH = PURPOSE_MAX_CHARS * 12;

export function parsePurpose(raw: string | undefined): string {
  if (raw === undefined || raw.length > KEPT_MAX_LENGTH) return checkPurpose(raw);
  const known = accepted.get(raw);
  if (known !== undefined) return known;
  const text = checkPurpose(raw);
  if (accepted.size >= ACCEPTED_MAX) accepted.clear();
  accepted.set(raw, text);
  return text;
}

function checkPurpose(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') throw badParam(PURPOSE_HEADER, '缺少事由（百分号编码的UTF-8文本）');
  // anything outside printable ASCII means the caller did not percent-encode
  if (!/^[\x20-\x7e]+$/.test(raw)) throw badParam(PURPOSE_HEADER, '须为百分号编码的UTF-8文本');
  let text: string;
  try {
    text = decodeURIComponent(raw).trim();
  } catch {
    throw badParam(PURPOSE_HEADER, '无法解码（须为百分号编码的UTF-8文本）');
  }
  if (text === '') throw badParam(PURPOSE_HEADER, '事由不能为空');
  if ([...text].length > PURPOSE_MAX_CHARS) throw badParam(PURPOSE_HEADER, `不能超过${PURPOSE_MAX_CHARS}个字符`);
  if (BIDI.test(text)) throw badParam(PURPOSE_HEADER, '含双向文本控制字符');
  if (CONTROL.test(text)) throw badParam(PURPOSE_HEADER, '含控制字符');
  if (text.replace(INVISIBLE, '') === '') throw badParam(PURPOSE_HEADER, '事由不能为空（不计不可见字符）');
  // full-width digits and letters, spaces or dashes between them, lower case: still the number
  const folded = text.normalize('NFKC').toUpperCase().replace(INVISIBLE, '').replace(/[-‐‑‒–—―]/g, '');
  if (ID18.test(folded) || ID15.test(folded)) throw badParam(PURPOSE_HEADER, '不得包含公民身份号码');
  if (containsCreditCode(folded)) throw badParam(PURPOSE_HEADER, '不得包含统一社会信用代码');
  return text;
}
