/**
 * Seeds the catalogue's reference data from the gazette: departments and the 214 licensing
 * items. Idempotent: a second run changes nothing.
 */
import type { Db } from '../core/db';
import { parseDepartments, parseLicensingItems } from './gazette';
import { seedBaseResources } from './base-resources';
import { seedMatters } from './matters/service';

export async function seedReferenceData(db: Db): Promise<{ departments: number; licensingItems: number }> {
  const now = Date.now();
  const departments = parseDepartments();
  const items = parseLicensingItems();
  await db.transaction(async (trx) => {
    await trx('departments')
      .insert(departments.map((d) => ({ code: d.code, name: d.name, kind: d.kind, created_at: now })))
      .onConflict('code')
      .merge(['name', 'kind']);
    for (let i = 0; i < items.length; i += 200) {
      await trx('licensing_items')
        .insert(items.slice(i, i + 200).map((it) => ({ seq: it.seq, code: it.code, department: it.department, name: it.name })))
        .onConflict('seq')
        .merge(['code', 'department', 'name']);
    }
  });
  return { departments: departments.length, licensingItems: items.length };
}

/** Reference data plus the three published base resources. Idempotent. */
export async function seedCatalogue(db: Db): Promise<{ departments: number; licensingItems: number; resources: number; matters: number }> {
  const ref = await seedReferenceData(db);
  const resources = await seedBaseResources(db);
  const matters = await seedMatters(db);
  return { ...ref, resources, matters };
}
