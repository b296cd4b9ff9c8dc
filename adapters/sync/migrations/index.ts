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

export const SYNC_MIGRATIONS: Migrations = {
  '013_sync_jobs': m013,
  '014_sync_watermarks': m014,
  '015_sync_runs': m015,
  '016_sync_rejects': m016,
  '017_leases': m017,
};
