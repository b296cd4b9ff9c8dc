/** What changed between two versions of a resource: metadata fields, items, interfaces. */
import type { Registration, ResourceItem } from './resources';

export interface VersionDiff {
  fields: Array<{ field: string; from: unknown; to: unknown }>;
  items: { added: string[]; removed: string[]; changed: Array<{ field: string; changes: string[] }> };
  interfaces: { added: string[]; removed: string[]; changed: string[] };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function keyed<T>(list: T[] | undefined, key: (t: T) => string): Map<string, T> {
  return new Map((list ?? []).map((x) => [key(x), x]));
}

export function diffRegistrations(a: Registration, b: Registration): VersionDiff {
  const fields: VersionDiff['fields'] = [];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (k === 'items' || k === 'interfaces') continue;
    const x = (a as unknown as Record<string, unknown>)[k];
    const y = (b as unknown as Record<string, unknown>)[k];
    if (!same(x, y)) fields.push({ field: k, from: x ?? null, to: y ?? null });
  }
  const ia = keyed<ResourceItem>(a.items, (i) => i.field);
  const ib = keyed<ResourceItem>(b.items, (i) => i.field);
  const changed: VersionDiff['items']['changed'] = [];
  for (const [f, x] of ia) {
    const y = ib.get(f);
    if (!y) continue;
    const props = new Set([...Object.keys(x), ...Object.keys(y)]);
    const changes = [...props].filter((p) => !same((x as unknown as Record<string, unknown>)[p], (y as unknown as Record<string, unknown>)[p]));
    if (changes.length) changed.push({ field: f, changes });
  }
  const fa = keyed(a.interfaces, (i) => i.method);
  const fb = keyed(b.interfaces, (i) => i.method);
  return {
    fields,
    items: { added: [...ib.keys()].filter((k) => !ia.has(k)), removed: [...ia.keys()].filter((k) => !ib.has(k)), changed },
    interfaces: {
      added: [...fb.keys()].filter((k) => !fa.has(k)),
      removed: [...fa.keys()].filter((k) => !fb.has(k)),
      changed: [...fa.keys()].filter((k) => fb.has(k) && !same(fa.get(k), fb.get(k))),
    },
  };
}
