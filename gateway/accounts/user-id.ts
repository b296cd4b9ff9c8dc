/**
 * X-User-Id: a system calling on behalf of a person at its window names that person (as
 * X-Road's userId does), and the audit keeps it next to the system. An account name or a
 * staff number; never an ID number (the audit must not hold those in plain).
 */
import { badParam } from '../../core/result-codes';

export const USER_ID_HEADER = 'X-User-Id';
const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const ID_NUMBER_LIKE = /^\d{15}$|^\d{17}[\dXx]$/;

/** The header's value, null when absent and allowed to be; a bad or missing-when-required value is a 400. */
export function parseUserId(raw: string | undefined, required: boolean): string | null {
  if (raw === undefined || raw.trim() === '') {
    if (required) throw badParam(USER_ID_HEADER, '缺少经办人标识');
    return null;
  }
  const v = raw.trim();
  if (!USER_ID.test(v)) throw badParam(USER_ID_HEADER, '应为 1–64 位字母、数字或 . _ @ -');
  if (ID_NUMBER_LIKE.test(v)) throw badParam(USER_ID_HEADER, '不能使用公民身份号码作为经办人标识');
  return v;
}
