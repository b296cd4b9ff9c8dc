/**
 * The sync's tables: jobs, watermarks, runs, rejects, and the leases that keep a job to one
 * gateway at a time. Names are recorded in existing databases: never rename one (see
 * scripts/app/migrations.ts).
 */
import type { Migrations } from '../../../core/db';

import * as m013 from './013_sync_jobs';
import * as m014 from './014_sync_watermarks';
import * as m015 from './015_sync_runs';
import * as m016 from './016_sync_rejects';
import * as m017 from './017_leases';
import * as m505 from './505_sync_runs_drift';
import * as m506 from './506_sync_runs_future';
import * as m507 from './507_sync_watermarks_upper_bound';
import * as m508 from './508_sync_rejects_by_row';
import * as m510 from './510_sync_runs_by_status';

export const SYNC_MIGRATIONS: Migrations = {
  '013_sync_jobs': m013,
  '014_sync_watermarks': m014,
  '015_sync_runs': m015,
  '016_sync_rejects': m016,
  '017_leases': m017,
  '505_sync_runs_drift': m505,
  '506_sync_runs_future': m506,
  '507_sync_watermarks_upper_bound': m507,
  '508_sync_rejects_by_row': m508,
  '510_sync_runs_by_status': m510,
};
