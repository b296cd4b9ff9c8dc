/**
 * The X-Purpose header (事由): why the caller looks this up. HTTP headers are ASCII, so the
 * text arrives percent-encoded UTF-8 (encodeURIComponent('办理营业执照')).
 */
import { badParam } from '../core/result-codes';

export const PURPOSE_HEADER = 'X-Purpose';
export const PURPOSE_MAX_CHARS = 200;

export function parsePurpose(raw: string | undefined): string {
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
  if (/[\u0000-\u001f\u007f]/.test(text)) throw badParam(PURPOSE_HEADER, '含控制字符');
  if ([...text].length > PURPOSE_MAX_CHARS) throw badParam(PURPOSE_HEADER, `不能超过${PURPOSE_MAX_CHARS}个字符`);
  return text;
}

