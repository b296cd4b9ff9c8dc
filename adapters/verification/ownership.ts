/**
 * 一数一源: each item of a library has one authoritative source, the job that maps it. The
 * library key is how jobs meet and belongs to nobody. A job declaring `"role": "verify"` is a
 * 校核源: it owns nothing and writes nothing into the library.
 */
import type { Knex } from 'knex';
import type { JobDefinition } from '../sync/jobs';
import { TARGETS, TargetName } from '../sync/targets';
import { lockRowsForUpdate } from '../../core/dialect';

type JobShape = Pick<JobDefinition, 'id' | 'target' | 'columns' | 'role' | 'department'>;

export function isVerificationSource(job: Pick<JobDefinition, 'role'>): boolean {
  return job.role === 'verify';
}

/** The library items a job maps, the key excluded. */
export function mappedItems(job: Pick<JobDefinition, 'target' | 'columns'>): string[] {
  const pk = TARGETS[job.target].pk;
  return [...new Set(Object.values(job.columns))].filter((c) => c !== pk);
}

/**
 * The job that creates and deletes a library's records: authoritative and mapping its required
 * items. Another authoritative job only fills its own items of records that exist.
 */
export function ownsRecords(job: Pick<JobDefinition, 'target' | 'columns' | 'role'>): boolean {
  if (isVerificationSource(job)) return false;
  const lib = TARGETS[job.target];
  const mapped = new Set(Object.values(job.columns));
  return lib.columns.some((c) => c.required && c.name !== lib.pk && mapped.has(c.name));
}

export interface ItemOwner {
  job: string;
  /** department code (ZCnnn) from the job definition, when it names one */
  department: string | null;
}

/**
 * item → its authoritative job, for one library, from the stored job definitions. `lock`: the
 * definitions stay locked until the transaction ends, so two jobs defined at once cannot both
 * take an item.
 */
export async function itemOwners(db: Knex, target: TargetName, lock = false): Promise<Map<string, ItemOwner>> {
  const owners = new Map<string, ItemOwner>();
  const query = db('sync_jobs').where({ target }).orderBy('id').select('definition');
  for (const row of await (lock ? lockRowsForUpdate(db, query) : query)) {
    const def = JSON.parse(row.definition) as JobShape;
    if (isVerificationSource(def)) continue;
    for (const item of mappedItems(def)) if (!owners.has(item)) owners.set(item, { job: def.id, department: def.department ?? null });
  }
  return owners;
}

export interface OwnershipConflict {
  item: string;
  owner: ItemOwner;
  /** the owning department's name, when the department is registered */
  departmentName: string | null;
}

/** The first item `job` would take from another authoritative job, or null (call it in the saving transaction). */
export async function ownershipConflict(trx: Knex.Transaction, job: JobShape): Promise<OwnershipConflict | null> {
  if (isVerificationSource(job)) return null;
  const owners = await itemOwners(trx, job.target, true);
  for (const item of mappedItems(job)) {
    const owner = owners.get(item);
    if (!owner || owner.job === job.id) continue;
    const dept = owner.department ? await trx('departments').where({ code: owner.department }).first('name') : null;
    return { item, owner, departmentName: dept?.name ?? null };
  }
  return null;
}
