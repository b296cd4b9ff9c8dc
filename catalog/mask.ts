/** Masking of sensitive values for documents and examples: keep the ends, star the middle. */
export function maskValue(v: unknown): unknown {
  if (v === null || v === undefined) return v;
  const s = String(v);
  const chars = [...s];
  const n = chars.length;
  if (n <= 1) return '*';
  if (n === 2) return chars[0] + '*';
  const keep = n >= 15 ? 4 : n >= 6 ? 2 : 1;
  return chars.slice(0, keep).join('') + '*'.repeat(n - keep * 2 > 0 ? n - keep * 2 : 1) + chars.slice(n - keep).join('');
}
