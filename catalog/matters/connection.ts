/**
 * Whether a lookup method is connected (接入) with data, i.e. actually answers from data: its
 * resource's library is connected (catalog/libraries.ts: a full sync run has completed, as
 * listMethods says) and holds at least one live record. This is the one place that decides it
 * for the 事项.
 */
import type { Db } from '../../core/db';
import { listMethods } from '../metaservices';
import { libraryOfResource } from '../libraries';
import { hasLiveRows } from '../data-state';

/** The methods that are connected now: a predicate built from a few point queries. */
export async function connectedMethods(db: Db): Promise<(method: string) => boolean> {
  const methods = await listMethods(db);
  const withData = new Set<string>();
  for (const code of new Set(methods.filter((m) => m.state === '已接入').map((m) => m.resource_code))) {
    const lib = await libraryOfResource(db, code);
    if (lib && (await hasLiveRows(db, lib.table))) withData.add(code);
  }
  const resourceOf = new Map(methods.map((m) => [m.method, m.resource_code]));
  return (method) => withData.has(resourceOf.get(method) ?? '');
}
