/**
 * The one masking rule, used by lookup answers (gateway/pipeline.ts) and by the examples in
 * interface documents (catalog/documents.ts). What a masked value keeps depends on what it is
 * (the registry's mask kind of the item, or its data type): ID numbers their area code and last
 * four characters, names their first character, dates nothing but their separators, any other
 * text its first and last character.
 *
 * A masked ID number must not be completed from the rest of the same answer. Its hidden
 * digits 7–14 are the birth date, so masking GMSFZH masks CSRQ with it (IMPLIED_MASKS). XB
 * needs nothing: it is the parity of digit 17, which the masked number already shows.
 */
import { LIBRARIES, MaskKind } from '../core/registry';

/** Items of the base libraries by how they are masked; any other item is text. */
const KIND_OF = new Map<string, MaskKind | 'date'>();
for (const lib of Object.values(LIBRARIES)) {
  for (const i of lib.items) {
    if (i.mask) KIND_OF.set(i.field, i.mask);
    else if (i.data_type === 'D') KIND_OF.set(i.field, 'date');
  }
}

/** Masking the key masks these items too, wherever both are in one answer. */
export const IMPLIED_MASKS: Readonly<Record<string, readonly string[]>> = { GMSFZH: ['CSRQ'] };

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

/** 19900101 → ********, 1990-01-01 → ****-**-** */
export function maskDate(v: string): string {
  return v.replace(/[0-9]/g, '*');
}

/** Anything else: the first and last character stay, the middle is starred. */
export function maskText(v: string): string {
  const chars = [...v];
  if (chars.length <= 2) return '*'.repeat(chars.length);
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}

/** How an item is masked when the registry does not know it: by what its lookup checks it as, or its data type. */
export type MaskKinds = ReadonlyMap<string, MaskKind | 'date'>;

export function maskValue(field: string, value: unknown, kinds?: MaskKinds): unknown {
  if (value === null || value === undefined) return value;
  const s = String(value);
  switch (KIND_OF.get(field) ?? kinds?.get(field)) {
    case 'id-number':
      return maskIdNumber(s);
    case 'name':
      return maskName(s);
    case 'date':
      return maskDate(s);
    default:
      return maskText(s);
  }
}

/** The masked items with what they imply (a masked GMSFZH masks CSRQ). */
export function effectiveMasks(masked: Iterable<string>): Set<string> {
  const out = new Set(masked);
  for (const m of [...out]) if (Object.hasOwn(IMPLIED_MASKS, m)) for (const implied of IMPLIED_MASKS[m]) out.add(implied);
  return out;
}

/**
 * Keeps the granted items and masks the masked ones (with what they imply). Keys that are not
 * data items of the method (a batch item's XH / result_code / msg) are structure and kept.
 */
export function projectRecord(
  record: Record<string, unknown>,
  methodFields: readonly string[],
  items: readonly string[],
  masked: readonly string[],
  kinds?: MaskKinds,
): Record<string, unknown> {
  const masks = effectiveMasks(masked);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    const isItem = methodFields.includes(key);
    if (isItem && !items.includes(key)) continue;
    out[key] = isItem && masks.has(key) ? maskValue(key, value, kinds) : value;
  }
  return out;
}
