/**
 * Whether a lookup method is connected (接入), i.e. actually answers from data. Today: the
 * base library the method reads (core/registry.ts) has had a completed full sync run
 * (adapters/sync). This is the one place that decides it; the catalogue-defined libraries of
 * issue 12 replace it.
 */
import type { Db } from '../../core/db';
import { lookupSpec } from '../../core/registry';

/** The methods that are connected now: a predicate built from one query. */
export async function connectedMethods(db: Db): Promise<(method: string) => boolean> {
  const rows = (await db('sync_runs as r')
    .join('sync_jobs as j', 'j.id', 'r.job_id')
    .where({ 'r.mode': 'full', 'r.status': 'succeeded' })
    .distinct('j.target')) as Array<{ target: string }>;
  const filled = new Set(rows.map((r) => r.target));
  return (method) => {
    const library = lookupSpec(method)?.library;
    return library !== undefined && filled.has(library);
  };
}
