/** Helpers for the 事项 suites: department codes, consumers of a department, grants, sync runs. */
import { addConsumer } from '../../../catalog/consumers';
import { departmentCodeByName } from '../../../catalog/gazette';
import { createGrant } from '../../../catalog/grants';
import type { Db } from '../../../core/db';
import { finishRun, startRun, zeroCounters } from '../../../adapters/sync/runs';
import { person } from '../../../scripts/demo/records';

export const GSJ = departmentCodeByName('区工商局'); // implements XK137 个体工商户设立、变更、注销登记
export const SYJ = departmentCodeByName('区食药局'); // implements XK145 食品经营许可
export const GAJ = departmentCodeByName('区公安分局'); // provides 人口户籍信息
export const POPULATION = '101001/00001';
export const LEGAL_ENTITY = '102001/00001';

export async function departmentConsumer(db: Db, id: string, dept: string): Promise<void> {
  await addConsumer(db, { id, name: `${id}（测试）`, departmentCode: dept, methods: ['getRKZP', 'getRKHY', 'getFRXX'], secret: 'test-consumer-secret-0123456789' });
}

export async function grant(db: Db, consumer: string, resource: string, items: string[]): Promise<number> {
  return createGrant(db, { consumer_id: consumer, resource_code: resource, application_id: null, items, masked_items: [], expires_at: null });
}

/** A sync job of a library and one run of it, as the sync engine records them. */
export async function syncRun(db: Db, target: string, mode: 'full' | 'incr', status: 'succeeded' | 'failed'): Promise<void> {
  const id = `test-${target}`;
  if (!(await db('sync_jobs').where({ id }).first())) {
    await db('sync_jobs').insert({ id, target, definition: '{}', enabled: false, created_at: Date.now(), updated_at: Date.now() });
  }
  const run = await startRun(db, id, mode);
  await finishRun(db, run, status, zeroCounters(), status === 'failed' ? 'test' : null);
}

/** One live row in the population library (synthetic, from the demo generator). */
export async function livePerson(db: Db): Promise<void> {
  const p = person(20181009, 0);
  await db('population').insert({ rybh: p.RYBH, gmsfzh: p.GMSFZH, xm: p.XM, csrq: p.CSRQ, mz: p.MZ, xb: p.XB, jg: p.JG, csd: p.CSD, hjd: p.HJD, synced_at: Date.now(), deleted: false, source_job: 'test' });
}
