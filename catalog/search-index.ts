/**
 * Keeps resource_search (one narrow row per published resource) in step with the versions:
 * called in the same transaction as every publish and retire.
 */
import type { Knex } from 'knex';
import type { Db } from '../core/db';
import { departmentName, facetColumnsOf, publishedVersion, searchTextOf } from './resources';

export async function reindexResource(trx: Db | Knex, code: string): Promise<void> {
  const v = await publishedVersion(trx, code);
  if (!v) {
    await trx('resource_search').where({ code }).delete();
    return;
  }
  const reg = v.registration;
  const row = {
    code,
    version: v.version,
    ...facetColumnsOf(reg),
    summary: reg.summary.length > 500 ? reg.summary.slice(0, 499) + '…' : reg.summary,
    published_at: v.published_at,
    updated_at: v.updated_at,
    // the provider's name too, so 公安 finds 区公安分局's resources
    search_text: `${searchTextOf(reg)} ${((await departmentName(trx, reg.provider_code)) ?? '').toLowerCase()}`,
  };
  await trx('resource_search').insert(row).onConflict('code').merge();
}
