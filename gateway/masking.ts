/**
 * Masks for data items a grant hands out masked. The rule depends on what the value is:
 * ID numbers keep the area code and the last four characters, names their first character.
 */
const NAME_FIELDS = new Set(['XM', 'FDDBR', 'CZZT']);
const ID_FIELDS = new Set(['GMSFZH', 'CZZTDM', 'TYSHXYDM']);

/** 370306199001011234 → 370306********1234 */
export function maskIdNumber(v: string): string {
  if (v.length <= 10) return '*'.repeat(v.length);
  return v.slice(0, 6) + '*'.repeat(v.length - 10) + v.slice(-4);
}

/** 张三 → 张*, 欧阳明月 → 欧*** */
export function maskName(v: string): string {
  const chars = [...v];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
}

/** Anything else: the first and last character stay, the middle is starred. */
export function maskText(v: string): string {
  const chars = [...v];
  if (chars.length <= 2) return '*'.repeat(chars.length);
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}

export function maskValue(field: string, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const s = String(value);
  if (ID_FIELDS.has(field)) return maskIdNumber(s);
  if (NAME_FIELDS.has(field)) return maskName(s);
  return maskText(s);
}

/**
 * Keeps the granted items (null = all) and masks the masked ones. Keys that are not data
 * items of the method (a batch item's XH / result_code / msg) are structure and always kept.
 */
export function projectRecord(
  record: Record<string, unknown>,
  methodFields: readonly string[],
  items: readonly string[] | null,
  masked: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    const isItem = methodFields.includes(key);
    if (isItem && items !== null && !items.includes(key)) continue;
    out[key] = isItem && masked.includes(key) ? maskValue(key, value) : value;
  }
  return out;
}
