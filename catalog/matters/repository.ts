/**
 * Repository of 事项 and their materials: the only code touching `matters` and
 * `matter_materials` (it also reads the catalogue's department names). Items are JSON text
 * here and arrays everywhere else.
 */
import type { Knex } from 'knex';
import type { Db } from '../../core/db';
import { batchRowsFor } from '../../core/dialect';
import { changingAccess } from '../access-version';

export const USAGES = ['查询', '核验', '批量比对'] as const;
export type Usage = (typeof USAGES)[number];

export interface Matter {
  code: string;
  name: string;
  department_code: string;
  kind: string;
  source: 'gazette' | 'operator';
  result: string | null;
}

export interface Material {
  id: number;
  matter_code: string;
  position: number;
  name: string;
  items: string[];
  provider_code: string;
  usage: Usage;
  purpose: string;
}

/** A material as written: what a form, a CLI call or a spreadsheet row gives. */
export type MaterialInput = Omit<Material, 'id' | 'matter_code' | 'position'>;

type Row = Record<string, unknown>;

const toMatter = (r: Row): Matter => ({
  code: String(r.code),
  name: String(r.name),
  department_code: String(r.department_code),
  kind: String(r.kind),
  source: r.source as Matter['source'],
  result: r.result == null ? null : String(r.result),
});

const toMaterial = (r: Row): Material => ({
  id: Number(r.id),
  matter_code: String(r.matter_code),
  position: Number(r.position),
  name: String(r.name),
  items: JSON.parse(String(r.items)) as string[],
  provider_code: String(r.provider_code),
  usage: r.usage as Usage,
  purpose: String(r.purpose),
});

const materialColumns = (m: MaterialInput) => ({ name: m.name, items: JSON.stringify(m.items), provider_code: m.provider_code, usage: m.usage, purpose: m.purpose });

/*
 * A 事项's existence and department decide whether a caller may name it as the purpose of a
 * lookup (gateway/matter-purpose.ts), a decision kept while the access version stands: every
 * write of those raises it.
 */

export async function upsertMatters(db: Db | Knex, list: Array<Omit<Matter, 'result'>>): Promise<void> {
  const now = Date.now();
  const size = batchRowsFor(db, 8);
  await changingAccess(db, async (trx) => {
    for (let i = 0; i < list.length; i += size) {
      await trx('matters')
        .insert(list.slice(i, i + size).map((m) => ({ ...m, result: null, created_at: now, updated_at: now })))
        .onConflict('code')
        .merge(['name', 'department_code', 'kind', 'source']);
    }
  });
}

export async function insertMatter(db: Db, m: Matter): Promise<void> {
  const now = Date.now();
  await changingAccess(db, (trx) => trx('matters').insert({ ...m, created_at: now, updated_at: now }));
}

export async function getMatter(db: Db | Knex, code: string): Promise<Matter | null> {
  const r = (await db('matters').where({ code }).first()) as Row | undefined;
  return r ? toMatter(r) : null;
}

export async function mattersByCodes(db: Db | Knex, codes: string[]): Promise<Matter[]> {
  if (codes.length === 0) return [];
  return ((await db('matters').whereIn('code', codes).orderBy('code')) as Row[]).map(toMatter);
}

export interface MatterFilter {
  q?: string;
  department?: string;
  withMaterials?: boolean;
}

function filtered(db: Db, f: MatterFilter) {
  const b = db('matters');
  if (f.q) {
    const like = `%${f.q.replace(/[!%_]/g, (c) => '!' + c)}%`;
    b.where((w) => w.whereRaw("name like ? escape '!'", [like]).orWhere('code', f.q!.toUpperCase()));
  }
  if (f.department) b.where('department_code', f.department);
  if (f.withMaterials) b.whereIn('code', db('matter_materials').distinct('matter_code'));
  return b;
}

export async function countMatters(db: Db, f: MatterFilter): Promise<number> {
  const r = (await filtered(db, f).count({ n: '*' }).first()) as { n: number | string };
  return Number(r.n);
}

export async function findMatters(db: Db, f: MatterFilter, page?: { limit: number; offset: number }): Promise<Matter[]> {
  const q = filtered(db, f).orderBy('code');
  if (page) q.limit(page.limit).offset(page.offset);
  return ((await q) as Row[]).map(toMatter);
}

export async function setMatterResult(db: Db | Knex, code: string, result: string | null): Promise<void> {
  await db('matters').where({ code }).update({ result, updated_at: Date.now() });
}

export async function materialsOf(db: Db | Knex, matterCodes?: string[]): Promise<Material[]> {
  const q = db('matter_materials').orderBy([{ column: 'matter_code' }, { column: 'position' }, { column: 'id' }]);
  if (matterCodes) {
    if (matterCodes.length === 0) return [];
    q.whereIn('matter_code', matterCodes);
  }
  return ((await q) as Row[]).map(toMaterial);
}

export async function getMaterial(db: Db | Knex, matterCode: string, id: number): Promise<Material | null> {
  const r = (await db('matter_materials').where({ id, matter_code: matterCode }).first()) as Row | undefined;
  return r ? toMaterial(r) : null;
}

export async function insertMaterial(db: Db | Knex, matterCode: string, m: MaterialInput): Promise<number> {
  const last = (await db('matter_materials').where({ matter_code: matterCode }).max({ p: 'position' }).first()) as { p: number | string | null } | undefined;
  const now = Date.now();
  const [id] = await db('matter_materials').insert({ matter_code: matterCode, position: Number(last?.p ?? -1) + 1, ...materialColumns(m), created_at: now, updated_at: now });
  return Number(id);
}

export async function updateMaterial(db: Db | Knex, matterCode: string, id: number, m: MaterialInput): Promise<void> {
  await db('matter_materials').where({ id, matter_code: matterCode }).update({ ...materialColumns(m), updated_at: Date.now() });
}

export async function deleteMaterial(db: Db | Knex, matterCode: string, id: number): Promise<number> {
  return db('matter_materials').where({ id, matter_code: matterCode }).delete();
}

/** Replaces each named 事项's materials by the given lists, as one transaction (an import). */
export async function replaceMaterials(db: Db, lists: Map<string, { materials: MaterialInput[]; result?: string | null }>): Promise<void> {
  await db.transaction(async (trx) => {
    const now = Date.now();
    for (const [code, { materials, result }] of lists) {
      await trx('matter_materials').where({ matter_code: code }).delete();
      const rows = materials.map((m, position) => ({ matter_code: code, position, ...materialColumns(m), created_at: now, updated_at: now }));
      const size = batchRowsFor(trx, 10);
      for (let i = 0; i < rows.length; i += size) await trx('matter_materials').insert(rows.slice(i, i + size));
      if (result !== undefined) await setMatterResult(trx, code, result);
    }
  });
}

/** The catalogue's departments (code and name), for naming providers and 实施部门. */
export async function departmentNames(db: Db): Promise<Array<{ code: string; name: string }>> {
  return (await db('departments').select('code', 'name')) as Array<{ code: string; name: string }>;
}
