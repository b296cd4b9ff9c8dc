/**
 * Whether a lookup method is connected (接入) with data, i.e. actually answers from data.
 * Today: the base library the method reads (core/registry.ts) has had a completed full sync
 * run (adapters/sync) and holds at least one live row. This is the one place that decides it;
 * the catalogue-defined libraries of issue 12 replace it.
 */
import type { Db } from '../../core/db';
import { LIBRARIES, LibraryName, lookupSpec } from '../../core/registry';
import { targetsWithCompletedFullRun } from '../../adapters/sync/runs';
import { hasLiveRows } from '../../gateway/lookups/repository';

/** The methods that are connected now: a predicate built from a few point queries. */
export async function connectedMethods(db: Db): Promise<(method: string) => boolean> {
  const synced = (await targetsWithCompletedFullRun(db)).filter((t): t is LibraryName => t in LIBRARIES);
  const withData = new Set<string>();
  for (const lib of synced) if (await hasLiveRows(db, lib)) withData.add(lib);
  return (method) => {
    const library = lookupSpec(method)?.library;
    return library !== undefined && withData.has(library);
  };
}
