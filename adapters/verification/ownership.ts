/**
 * 一数一源: each item of a library has one authoritative source, the job that maps it. The
 * library key is how jobs meet and belongs to nobody. A job declaring `"role": "verify"` is a
 * 校核源: it owns nothing and writes nothing into the library. The same rules hold for every
 * library, base or resource (adapters/sync/targets.ts).
 */
import type { Knex } from 'knex';
import type { JobDefinition } from '../sync/jobs';
import type { TargetLibrary } from '../sync/targets';
import { lockRowsForUpdate } from '../../core/dialect';

type JobShape = Pick<JobDefinition, 'id' | 'columns' | 'role' | 'department'>;

export function isVerificationSource(job: Pick<JobDefinition, 'role'>): boolean {
  return job.role === 'verify';
}

/** The library items a job maps, the key excluded. */
export function mappedItems(job: Pick<JobDefinition, 'columns'>, lib: TargetLibrary): string[] {
  return [...new Set(Object.values(job.columns))].filter((c) => c !== lib.pk);
}

/** A library whose records need items besides the key: the job mapping them creates the records. */
function hasRequiredItems(lib: TargetLibrary): boolean {
  return lib.columns.some((c) => c.required && c.name !== lib.pk);
}

/**
 * The job that creates and deletes a library's records: authoritative and mapping its required
 * items (in a library that requires none, the one authoritative job). Another authoritative
 * job only fills its own items of records that exist.
 */
export function ownsRecords(job: Pick<JobDefinition, 'columns' | 'role'>, lib: TargetLibrary): boolean {
  if (isVerificationSource(job)) return false;
  if (!hasRequiredItems(lib)) return true;
  const mapped = new Set(Object.values(job.columns));
  return lib.columns.some((c) => c.required && c.name !== lib.pk && mapped.has(c.name));
}

export interface ItemOwner {
  job: string;
  /** department code (ZCnnn) from the job definition, when it names one */
  department: string | null;
}

async function authoritativeJobs(db: Knex, lib: TargetLibrary, lock: boolean): Promise<JobShape[]> {
  const query = db('sync_jobs').where({ target: lib.table }).orderBy('id').select('definition');
  const rows = (await (lock ? lockRowsForUpdate(db, query) : query)) as Array<{ definition: string }>;
  return rows.map((r) => JSON.parse(r.definition) as JobShape).filter((def) => !isVerificationSource(def));
}

/**
 * item → its authoritative job, for one library, from the stored job definitions. `lock`: the
 * definitions stay locked until the transaction ends, so two jobs defined at once cannot both
 * take an item.
 */
export async function itemOwners(db: Knex, lib: TargetLibrary, lock = false): Promise<Map<string, ItemOwner>> {
  const owners = new Map<string, ItemOwner>();
  for (const def of await authoritativeJobs(db, lib, lock)) {
    for (const item of mappedItems(def, lib)) if (!owners.has(item)) owners.set(item, { job: def.id, department: def.department ?? null });
  }
  return owners;
}

export interface OwnershipConflict {
  /** the item taken; null: the records themselves (a library requiring no items has one authoritative job) */
  item: string | null;
  owner: ItemOwner;
  /** the owning department's name, when the department is registered */
  departmentName: string | null;
}

/** The first item `job` would take from another authoritative job, or null (call it in the saving transaction). */
export async function ownershipConflict(trx: Knex.Transaction, job: JobShape, lib: TargetLibrary): Promise<OwnershipConflict | null> {
  if (isVerificationSource(job)) return null;
  const named = async (item: string | null, owner: ItemOwner) => {
    const dept = owner.department ? await trx('departments').where({ code: owner.department }).first('name') : null;
    return { item, owner, departmentName: dept?.name ?? null };
  };
  if (!hasRequiredItems(lib)) {
    const other = (await authoritativeJobs(trx, lib, true)).find((def) => def.id !== job.id);
    return other ? named(null, { job: other.id, department: other.department ?? null }) : null;
  }
  const owners = await itemOwners(trx, lib, true);
  for (const item of mappedItems(job, lib)) {
    const owner = owners.get(item);
    if (owner && owner.job !== job.id) return named(item, owner);
  }
  return null;
}
