/** What `dprs sync status` and the operator API show: each job, its watermark, its last runs. */
import type { Knex } from 'knex';
import type { Cursor } from '../sources';
import { listJobs } from './jobs';
import { lastRuns, RunRecord } from './runs';
import { getWatermark } from './watermarks';
import { databaseNowMs } from '../../core/dialect';
import { leaseHolder } from './lease';

export interface JobStatus {
  id: string;
  target: string;
  enabled: boolean;
  schedule: { full?: string; incremental?: string };
  watermark: Cursor | null;
  runningOn: string | null;
  lastRuns: RunRecord[];
}

export async function syncStatus(db: Knex, runs = 3): Promise<JobStatus[]> {
  const out: JobStatus[] = [];
  const now = await databaseNowMs(db);
  for (const s of await listJobs(db)) {
    const lease = await leaseHolder(db, `sync:${s.job.id}`);
    out.push({
      id: s.job.id,
      target: s.job.target,
      enabled: s.enabled,
      schedule: s.job.schedule ?? {},
      watermark: await getWatermark(db, s.job.id),
      runningOn: lease && lease.expiresAt > now ? lease.holder : null,
      lastRuns: await lastRuns(db, s.job.id, runs),
    });
  }
  return out;
}
